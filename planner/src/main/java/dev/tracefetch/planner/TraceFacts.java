package dev.tracefetch.planner;

import java.util.Locale;
import java.util.Objects;

/**
 * What ranking needs to know about how a recording went, apart from the chunks it read: kept as a
 * small value so that a stored profile can be ranked without the original trace.
 *
 * @param readinessKind how readiness was detected, lower case ({@code http}, {@code tcp}, {@code
 *     log}, {@code exit}, {@code timeout}, {@code window}), empty when unknown
 * @param readinessReached whether the start reached readiness
 * @param timeToReadyMicros time from recording start to readiness (0 when not reached)
 * @param droppedEvents events the recorder lost to a full buffer
 * @param incomplete whether the recording stopped early
 * @param recordedUnixMicros wall-clock start of the recording (Unix micros), 0 when unknown
 * @param eventCount number of access events recorded
 */
public record TraceFacts(
    String readinessKind,
    boolean readinessReached,
    long timeToReadyMicros,
    long droppedEvents,
    boolean incomplete,
    long recordedUnixMicros,
    long eventCount) {

  public TraceFacts {
    Objects.requireNonNull(readinessKind, "readinessKind");
    readinessKind = readinessKind.toLowerCase(Locale.ROOT);
    if (timeToReadyMicros < 0) {
      throw new IllegalArgumentException("timeToReadyMicros is negative: " + timeToReadyMicros);
    }
    if (droppedEvents < 0) {
      throw new IllegalArgumentException("droppedEvents is negative: " + droppedEvents);
    }
    if (recordedUnixMicros < 0) {
      throw new IllegalArgumentException("recordedUnixMicros is negative: " + recordedUnixMicros);
    }
    if (eventCount < 0) {
      throw new IllegalArgumentException("eventCount is negative: " + eventCount);
    }
  }
}
