package dev.tracefetch.fs.cache;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits of a {@link ChunkCache}.
 *
 * @param maxDiskBytes size limit of the on-disk entries; least recently used entries go first
 * @param maxMemoryBytes size of the in-memory tier of recently verified chunks (0 disables it);
 *     FUSE reads a 4 MiB chunk in 128 KiB pieces, and this tier saves re-reading and re-hashing the
 *     chunk for each piece
 * @param joinTimeout how long a request waits for another request's fetch of the same chunk
 * @param backgroundStores how many fetched chunks may wait for a background writer to put them on
 *     disk (0: every fetch stores its chunk before it is served). With a writer, a fetched chunk is
 *     served from memory at once and written (temp file + rename, as always) off the read path;
 *     when that many are waiting, the fetching thread stores its chunk itself, so the backlog and
 *     the memory it holds stay bounded
 */
public record ChunkCacheOptions(
    long maxDiskBytes, long maxMemoryBytes, Duration joinTimeout, int backgroundStores) {
  /** Default in-memory tier: 64 MiB. */
  public static final long DEFAULT_MEMORY_BYTES = 64L << 20;

  public ChunkCacheOptions {
    Objects.requireNonNull(joinTimeout, "joinTimeout");
    if (maxDiskBytes <= 0) {
      throw new IllegalArgumentException("cache size limit must be positive, got " + maxDiskBytes);
    }
    if (maxMemoryBytes < 0) {
      throw new IllegalArgumentException("memory tier size must be >= 0, got " + maxMemoryBytes);
    }
    if (joinTimeout.isNegative() || joinTimeout.isZero()) {
      throw new IllegalArgumentException("join timeout must be positive, got " + joinTimeout);
    }
    if (backgroundStores < 0) {
      throw new IllegalArgumentException(
          "background store queue must be >= 0, got " + backgroundStores);
    }
  }

  /** Without a background writer. */
  public ChunkCacheOptions(long maxDiskBytes, long maxMemoryBytes, Duration joinTimeout) {
    this(maxDiskBytes, maxMemoryBytes, joinTimeout, 0);
  }

  /**
   * Background store queue of a mount or node daemon: 8 chunks (32 MiB at the default chunk size),
   * as many as a sequential reader fetches ahead.
   */
  public static final int DEFAULT_BACKGROUND_STORES = 8;

  /**
   * A disk limit with the default memory tier, a two-minute join timeout and no background writer.
   */
  public static ChunkCacheOptions ofDiskLimit(long maxDiskBytes) {
    return new ChunkCacheOptions(maxDiskBytes, DEFAULT_MEMORY_BYTES, Duration.ofMinutes(2));
  }

  public ChunkCacheOptions withMaxMemoryBytes(long bytes) {
    return new ChunkCacheOptions(maxDiskBytes, bytes, joinTimeout, backgroundStores);
  }

  public ChunkCacheOptions withJoinTimeout(Duration timeout) {
    return new ChunkCacheOptions(maxDiskBytes, maxMemoryBytes, timeout, backgroundStores);
  }

  public ChunkCacheOptions withBackgroundStores(int queued) {
    return new ChunkCacheOptions(maxDiskBytes, maxMemoryBytes, joinTimeout, queued);
  }
}
