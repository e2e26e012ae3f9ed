package dev.tracefetch.replayer.prefetch;

/**
 * How hard a replay may use the link: parallel range requests per registry, how near two planned
 * chunks must be to share one request, how large one request may grow (which bounds how long a
 * demand read can wait for a prefetch it joined), an optional bandwidth cap, and how many failed
 * requests in a row make the replay give up and leave the mount to plain lazy loading.
 *
 * @param connections parallel range requests (default 8)
 * @param gapBytes largest run of unplanned compressed bytes fetched to join two planned chunks into
 *     one request (default 64 KiB)
 * @param maxRequestBytes largest coalesced request (default 4 MiB; a single larger chunk is still
 *     fetched alone)
 * @param bandwidthBytesPerSecond cap on prefetch bytes per second, 0 for none
 * @param maxConsecutiveFailures failed requests in a row after which the replay stops (FAILED)
 * @param requestTimeout deadline of one range request; a read waiting for it never waits longer
 *     (default 30 s, the mount aligns it with its fetch timeout)
 */
public record PrefetchSettings(
    int connections,
    long gapBytes,
    long maxRequestBytes,
    long bandwidthBytesPerSecond,
    int maxConsecutiveFailures,
    java.time.Duration requestTimeout) {

  public static final int DEFAULT_CONNECTIONS = 8;
  public static final long DEFAULT_GAP_BYTES = 64L << 10;
  public static final long DEFAULT_MAX_REQUEST_BYTES = 4L << 20;
  public static final int DEFAULT_MAX_CONSECUTIVE_FAILURES = 3;
  public static final java.time.Duration DEFAULT_REQUEST_TIMEOUT = java.time.Duration.ofSeconds(30);

  public PrefetchSettings {
    if (connections < 1 || connections > 256) {
      throw new IllegalArgumentException(
          "prefetch connections must be in 1..256, got " + connections);
    }
    if (gapBytes < 0) {
      throw new IllegalArgumentException("prefetch gap must be >= 0 bytes, got " + gapBytes);
    }
    if (maxRequestBytes < 1 || maxRequestBytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "prefetch max request must be in 1.."
              + Integer.MAX_VALUE
              + " bytes, got "
              + maxRequestBytes);
    }
    if (bandwidthBytesPerSecond < 0) {
      throw new IllegalArgumentException(
          "bandwidth limit must be >= 0 bytes/s (0 = none), got " + bandwidthBytesPerSecond);
    }
    java.util.Objects.requireNonNull(requestTimeout, "requestTimeout");
    if (requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException(
          "prefetch request timeout must be positive, got " + requestTimeout);
    }
    if (maxConsecutiveFailures < 1) {
      throw new IllegalArgumentException(
          "max consecutive failures must be >= 1, got " + maxConsecutiveFailures);
    }
  }

  public static PrefetchSettings defaults() {
    return new PrefetchSettings(
        DEFAULT_CONNECTIONS,
        DEFAULT_GAP_BYTES,
        DEFAULT_MAX_REQUEST_BYTES,
        0,
        DEFAULT_MAX_CONSECUTIVE_FAILURES,
        DEFAULT_REQUEST_TIMEOUT);
  }

  public PrefetchSettings withConnections(int n) {
    return new PrefetchSettings(
        n,
        gapBytes,
        maxRequestBytes,
        bandwidthBytesPerSecond,
        maxConsecutiveFailures,
        requestTimeout);
  }

  public PrefetchSettings withGapBytes(long n) {
    return new PrefetchSettings(
        connections,
        n,
        maxRequestBytes,
        bandwidthBytesPerSecond,
        maxConsecutiveFailures,
        requestTimeout);
  }

  public PrefetchSettings withMaxRequestBytes(long n) {
    return new PrefetchSettings(
        connections, gapBytes, n, bandwidthBytesPerSecond, maxConsecutiveFailures, requestTimeout);
  }

  public PrefetchSettings withBandwidth(long bytesPerSecond) {
    return new PrefetchSettings(
        connections,
        gapBytes,
        maxRequestBytes,
        bytesPerSecond,
        maxConsecutiveFailures,
        requestTimeout);
  }

  public PrefetchSettings withMaxConsecutiveFailures(int n) {
    return new PrefetchSettings(
        connections, gapBytes, maxRequestBytes, bandwidthBytesPerSecond, n, requestTimeout);
  }

  public PrefetchSettings withRequestTimeout(java.time.Duration timeout) {
    return new PrefetchSettings(
        connections,
        gapBytes,
        maxRequestBytes,
        bandwidthBytesPerSecond,
        maxConsecutiveFailures,
        timeout);
  }
}
