package dev.tracefetch.planner;

import java.util.Objects;

/**
 * One row of a layer's file → chunk table, as a layer's eStargz TOC describes it: which part of
 * which file lives in which compressed byte range. The input {@link PlanMapper} needs for each
 * image; callers build it from the TOCs (fs-hooks) without this package knowing the TOC format.
 *
 * @param path file path inside the image, e.g. {@code /usr/lib/libssl.so.3}
 * @param contentDigest digest of the whole file's content, empty when unknown
 * @param chunkOffset offset of this chunk in the uncompressed file (0 for the first chunk)
 * @param compressedOffset offset of the chunk in the compressed layer blob
 * @param compressedLength compressed bytes of the chunk
 * @param chunkDigest digest of the uncompressed chunk, empty when unknown
 */
public record ChunkEntry(
    String path,
    String contentDigest,
    long chunkOffset,
    long compressedOffset,
    long compressedLength,
    String chunkDigest) {

  public ChunkEntry {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(contentDigest, "contentDigest");
    Objects.requireNonNull(chunkDigest, "chunkDigest");
    if (path.isEmpty()) {
      throw new IllegalArgumentException("chunk entry has an empty path");
    }
    if (chunkOffset < 0) {
      throw new IllegalArgumentException(path + ": chunkOffset is negative: " + chunkOffset);
    }
    if (compressedOffset < 0 || compressedOffset > ChunkKeys.MAX_OFFSET) {
      throw new IllegalArgumentException(
          path + ": compressedOffset " + compressedOffset + " is out of range");
    }
    if (compressedLength <= 0 || compressedLength > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          path + ": compressedLength " + compressedLength + " is not in [1, 2^31)");
    }
  }
}
