package dev.tracefetch.store.insight;

import dev.tracefetch.api.v1.Readiness;

/**
 * How the recorder decided the start was over, in the words the UI shows next to the timeline.
 *
 * @param kind how readiness was detected: exit, log, tcp, http, timeout, window, or unspecified
 * @param detail the regex, port, URL or exit code the recorder waited for
 * @param reached false when the start never got ready (a timeout, a crash)
 * @param timeToReadyMicros time from the start of the recording to readiness; 0 when not reached
 * @param exitCode the exit code when {@code kind} is exit
 */
public record ReadinessView(
    String kind, String detail, boolean reached, long timeToReadyMicros, int exitCode) {

  static ReadinessView of(Readiness readiness) {
    String kind =
        switch (readiness.getKind()) {
          case EXIT -> "exit";
          case LOG -> "log";
          case TCP -> "tcp";
          case HTTP -> "http";
          case TIMEOUT -> "timeout";
          case WINDOW -> "window";
          case KIND_UNSPECIFIED, UNRECOGNIZED -> "unspecified";
        };
    return new ReadinessView(
        kind,
        readiness.getDetail(),
        readiness.getReached(),
        readiness.getTimeToReadyMicros(),
        readiness.getExitCode());
  }
}
