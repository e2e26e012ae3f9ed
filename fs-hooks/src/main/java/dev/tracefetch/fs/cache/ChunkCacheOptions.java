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
 */
public record ChunkCacheOptions(long maxDiskBytes, long maxMemoryBytes, Duration joinTimeout) {
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
  }

  /** A disk limit with the default memory tier and a two-minute join timeout. */
  public static ChunkCacheOptions ofDiskLimit(long maxDiskBytes) {
    return new ChunkCacheOptions(maxDiskBytes, DEFAULT_MEMORY_BYTES, Duration.ofMinutes(2));
  }

  public ChunkCacheOptions withMaxMemoryBytes(long bytes) {
    return new ChunkCacheOptions(maxDiskBytes, bytes, joinTimeout);
  }

  public ChunkCacheOptions withJoinTimeout(Duration timeout) {
    return new ChunkCacheOptions(maxDiskBytes, maxMemoryBytes, timeout);
  }
}
