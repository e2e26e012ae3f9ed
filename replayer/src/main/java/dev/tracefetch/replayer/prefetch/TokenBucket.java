package dev.tracefetch.replayer.prefetch;

import java.io.InterruptedIOException;

/**
 * Caps prefetch bandwidth so a replay leaves room on the node's link for other traffic: a request
 * for n bytes waits until the bucket has paid for them. Requests larger than the bucket are let
 * through by going into debt, which later requests wait off; one second of burst is allowed.
 */
public final class TokenBucket {
  private final long bytesPerSecond;
  private final java.util.function.LongSupplier clock;
  private double tokens; // guarded by this; may be negative (debt)
  private long last; // guarded by this

  /**
   * @param bytesPerSecond the cap; 0 means unlimited
   */
  public TokenBucket(long bytesPerSecond) {
    this(bytesPerSecond, System::nanoTime);
  }

  /** With the given clock (tests). */
  TokenBucket(long bytesPerSecond, java.util.function.LongSupplier clock) {
    this.clock = clock;
    if (bytesPerSecond < 0) {
      throw new IllegalArgumentException("bandwidth must be >= 0 bytes/s, got " + bytesPerSecond);
    }
    this.bytesPerSecond = bytesPerSecond;
    this.tokens = bytesPerSecond;
    this.last = clock.getAsLong();
  }

  public boolean unlimited() {
    return bytesPerSecond == 0;
  }

  /** Takes {@code bytes} from the bucket and returns how long the caller must wait (nanos). */
  synchronized long reserve(long bytes) {
    if (unlimited()) {
      return 0;
    }
    long now = clock.getAsLong();
    tokens = Math.min(bytesPerSecond, tokens + (now - last) * (double) bytesPerSecond / 1e9);
    last = now;
    tokens -= bytes;
    return tokens >= 0 ? 0 : (long) (-tokens * 1e9 / bytesPerSecond);
  }

  /** Waits until {@code bytes} may be sent. */
  public void acquire(long bytes) throws InterruptedIOException {
    long wait = reserve(bytes);
    if (wait <= 0) {
      return;
    }
    try {
      Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for prefetch bandwidth");
    }
  }
}
