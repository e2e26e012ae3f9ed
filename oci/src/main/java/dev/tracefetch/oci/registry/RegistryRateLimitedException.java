package dev.tracefetch.oci.registry;

import java.time.Duration;
import java.util.Optional;

/**
 * The registry kept answering 429 Too Many Requests after the configured retries, or asked for a
 * wait longer than the client is allowed to sleep.
 */
public class RegistryRateLimitedException extends RegistryException {
  private static final long serialVersionUID = 1L;

  private final Duration retryAfter;

  public RegistryRateLimitedException(RegistryFailure failure, String reason, Duration retryAfter) {
    super(failure, reason);
    this.retryAfter = retryAfter;
  }

  /** The wait the registry asked for in its last {@code Retry-After}, if it sent one. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
