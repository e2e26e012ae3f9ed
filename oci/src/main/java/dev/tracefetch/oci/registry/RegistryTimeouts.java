package dev.tracefetch.oci.registry;

import java.time.Duration;
import java.util.Objects;

/**
 * Timeouts applied to every registry call, so a hung registry or storage host cannot hang a pull.
 * The whole-call limit does not apply to blob bodies (a multi-gigabyte layer may legitimately take
 * long); those are guarded by the read and write timeouts, which fire on a stalled transfer.
 *
 * @param connect establishing a TCP/TLS connection
 * @param read the longest silence while waiting for response bytes
 * @param write the longest stall while sending request bytes
 * @param call the whole call (request, answer, body) for everything except blob transfers
 */
public record RegistryTimeouts(Duration connect, Duration read, Duration write, Duration call) {
  public RegistryTimeouts {
    for (Duration d : new Duration[] {connect, read, write, call}) {
      Objects.requireNonNull(d, "timeout");
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("registry timeouts must be positive, got " + d);
      }
    }
  }

  /** 10 s connect, 60 s read and write, 2 min per call. */
  public static RegistryTimeouts defaults() {
    return new RegistryTimeouts(
        Duration.ofSeconds(10),
        Duration.ofSeconds(60),
        Duration.ofSeconds(60),
        Duration.ofMinutes(2));
  }
}
