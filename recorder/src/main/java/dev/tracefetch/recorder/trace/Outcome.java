package dev.tracefetch.recorder.trace;

import dev.tracefetch.api.v1.Readiness;
import java.util.Objects;

/**
 * How a recording ended: which readiness condition was waited for, whether and when it was reached,
 * and whether the trace is complete. A trace that timed out, failed or was interrupted is still
 * written, but marked incomplete so the store can weigh it accordingly.
 *
 * @param kind the readiness kind (TIMEOUT when the condition was never reached)
 * @param detail regex, port, URL, or exit code
 * @param reached whether the condition was reached
 * @param timeToReadyMicros from recording start to readiness (or to the end when not reached)
 * @param exitCode the application's exit code when it exited, else 0
 * @param incomplete recording stopped early (timeout, failure, interrupt)
 * @param failure why the recording failed, or null
 */
public record Outcome(
    Readiness.Kind kind,
    String detail,
    boolean reached,
    long timeToReadyMicros,
    int exitCode,
    boolean incomplete,
    String failure) {
  public Outcome {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(detail, "detail");
  }

  public Readiness toProto() {
    return Readiness.newBuilder()
        .setKind(kind)
        .setDetail(detail)
        .setReached(reached)
        .setTimeToReadyMicros(timeToReadyMicros)
        .setExitCode(exitCode)
        .build();
  }
}
