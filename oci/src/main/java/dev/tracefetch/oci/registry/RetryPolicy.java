package dev.tracefetch.oci.registry;

import java.time.Duration;
import java.util.Objects;
import java.util.Random;

/**
 * How often and how patiently to retry registry calls that failed for reasons that may pass: 5xx
 * answers, 429 rate limiting and connection errors. Bounded, with exponential backoff and jitter so
 * many clients hitting one struggling registry do not retry in lockstep.
 *
 * @param maxAttempts total attempts per call, at least 1 (1 = no retries)
 * @param initialBackoff wait before the first retry (before jitter)
 * @param maxBackoff cap on a single wait
 * @param maxRetryAfter the longest {@code Retry-After} the client honours by sleeping; a longer one
 *     fails the call at once with {@link RegistryRateLimitedException}
 */
public record RetryPolicy(
    int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration maxRetryAfter) {

  public RetryPolicy {
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    Objects.requireNonNull(maxRetryAfter, "maxRetryAfter");
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
    }
    if (initialBackoff.isNegative() || maxBackoff.isNegative() || maxRetryAfter.isNegative()) {
      throw new IllegalArgumentException("retry durations must not be negative");
    }
  }

  /** 4 attempts, 250 ms doubling up to 8 s, {@code Retry-After} honoured up to 60 s. */
  public static RetryPolicy defaults() {
    return new RetryPolicy(
        4, Duration.ofMillis(250), Duration.ofSeconds(8), Duration.ofSeconds(60));
  }

  /** A single attempt, no retries. */
  public static RetryPolicy none() {
    return new RetryPolicy(1, Duration.ZERO, Duration.ZERO, Duration.ZERO);
  }

  /**
   * The wait after failed attempt number {@code attempt} (1-based): {@code initialBackoff *
   * 2^(attempt-1)} capped at {@code maxBackoff}, then a random point in its upper half.
   */
  public Duration backoff(int attempt, Random random) {
    long base = initialBackoff.toMillis();
    long cap = maxBackoff.toMillis();
    long exp = base << Math.min(Math.max(attempt - 1, 0), 20);
    long delay = Math.min(exp < 0 ? cap : exp, cap);
    if (delay <= 1) {
      return Duration.ofMillis(delay);
    }
    long half = delay / 2;
    return Duration.ofMillis(half + (long) (random.nextDouble() * (delay - half)));
  }
}
