package dev.tracefetch.fs.remote;

import java.time.Duration;
import java.util.Objects;

/**
 * How layers that are not eStargz are downloaded when the mount is first accessed: the blob is cut
 * into parts fetched by parallel HTTP range requests, because a single stream from a registry or
 * CDN is often limited per connection while the node's link is not.
 *
 * @param connections range requests in flight at once, over all such layers of the image
 * @param partSize bytes per range request
 * @param stallTimeout how long an access waits while the download makes no progress before it fails
 *     with {@code EIO} (the download itself is retried by the next access)
 */
public record LayerDownloadOptions(int connections, int partSize, Duration stallTimeout) {
  public static final int DEFAULT_CONNECTIONS = 8;
  public static final int DEFAULT_PART_SIZE = 8 << 20;

  public LayerDownloadOptions {
    Objects.requireNonNull(stallTimeout, "stallTimeout");
    if (connections < 1 || connections > 64) {
      throw new IllegalArgumentException("connections must be in 1..64, got " + connections);
    }
    if (partSize < 64 * 1024) {
      throw new IllegalArgumentException("part size must be at least 64 KiB, got " + partSize);
    }
    if (stallTimeout.isNegative() || stallTimeout.isZero()) {
      throw new IllegalArgumentException("stall timeout must be positive, got " + stallTimeout);
    }
  }

  /** 8 connections, 8 MiB parts, 30 s stall timeout. */
  public static LayerDownloadOptions defaults() {
    return new LayerDownloadOptions(DEFAULT_CONNECTIONS, DEFAULT_PART_SIZE, Duration.ofSeconds(30));
  }

  public LayerDownloadOptions withStallTimeout(Duration timeout) {
    return new LayerDownloadOptions(connections, partSize, timeout);
  }

  public LayerDownloadOptions withParts(int connections, int partSize) {
    return new LayerDownloadOptions(connections, partSize, stallTimeout);
  }
}
