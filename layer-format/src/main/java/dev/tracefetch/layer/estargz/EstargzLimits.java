package dev.tracefetch.layer.estargz;

/**
 * Bounds on what an eStargz reader accepts from a registry. A TOC is decompressed into memory and a
 * chunk into a byte array, so a hostile blob could otherwise ask for gigabytes with a few bytes of
 * JSON; blobs over a limit are rejected with a message naming the limit.
 *
 * @param maxTocJsonSize largest uncompressed TOC JSON accepted
 * @param maxCompressedTocSize largest compressed TOC member accepted
 * @param maxChunkSize largest uncompressed chunk accepted
 * @param tailReadSize bytes read from the end of the blob in the first request, so that footer and
 *     a typical TOC arrive in one round trip
 */
public record EstargzLimits(
    long maxTocJsonSize, long maxCompressedTocSize, int maxChunkSize, int tailReadSize) {

  public static final long DEFAULT_MAX_TOC_JSON_SIZE = 64L << 20;
  public static final long DEFAULT_MAX_COMPRESSED_TOC_SIZE = 64L << 20;
  public static final int DEFAULT_MAX_CHUNK_SIZE = 64 << 20;
  public static final int DEFAULT_TAIL_READ_SIZE = 512 << 10;

  public EstargzLimits {
    if (maxTocJsonSize <= 0
        || maxCompressedTocSize <= 0
        || maxCompressedTocSize > Integer.MAX_VALUE - 8
        || maxChunkSize <= 0
        || maxChunkSize > Integer.MAX_VALUE - 8
        || tailReadSize < EstargzFooter.SIZE) {
      throw new IllegalArgumentException(
          "invalid eStargz limits: maxTocJsonSize="
              + maxTocJsonSize
              + " maxCompressedTocSize="
              + maxCompressedTocSize
              + " maxChunkSize="
              + maxChunkSize
              + " tailReadSize="
              + tailReadSize);
    }
  }

  /** 64 MiB TOC JSON, 64 MiB compressed TOC, 64 MiB chunks, 512 KiB first tail read. */
  public static EstargzLimits defaults() {
    return new EstargzLimits(
        DEFAULT_MAX_TOC_JSON_SIZE,
        DEFAULT_MAX_COMPRESSED_TOC_SIZE,
        DEFAULT_MAX_CHUNK_SIZE,
        DEFAULT_TAIL_READ_SIZE);
  }

  public EstargzLimits withMaxTocJsonSize(long bytes) {
    return new EstargzLimits(bytes, maxCompressedTocSize, maxChunkSize, tailReadSize);
  }

  public EstargzLimits withMaxCompressedTocSize(long bytes) {
    return new EstargzLimits(maxTocJsonSize, bytes, maxChunkSize, tailReadSize);
  }

  public EstargzLimits withMaxChunkSize(int bytes) {
    return new EstargzLimits(maxTocJsonSize, maxCompressedTocSize, bytes, tailReadSize);
  }

  public EstargzLimits withTailReadSize(int bytes) {
    return new EstargzLimits(maxTocJsonSize, maxCompressedTocSize, maxChunkSize, bytes);
  }
}
