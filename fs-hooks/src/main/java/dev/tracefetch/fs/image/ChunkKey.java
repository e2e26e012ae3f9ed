package dev.tracefetch.fs.image;

import dev.tracefetch.oci.image.Digest;
import java.util.Objects;

/**
 * Where one chunk of file data lives and what it must hash to. The filesystem never interprets the
 * location fields: it hands the key to a chunk source (eStargz over a registry, a local layer) that
 * knows how to turn them into bytes, and the chunk cache keys on {@link #digest()} alone, so equal
 * chunks from different layers or images are stored once.
 *
 * @param layer index of the layer in the image, 0 = lowest
 * @param compressedOffset offset in the layer blob where the chunk's (compressed) data starts
 * @param compressedLength length of that data in the blob, or 0 when the source works it out
 * @param innerOffset bytes to skip after decompressing from {@code compressedOffset}
 * @param size uncompressed chunk size in bytes (positive)
 * @param digest sha256 of the uncompressed chunk bytes
 */
public record ChunkKey(
    int layer,
    long compressedOffset,
    long compressedLength,
    long innerOffset,
    long size,
    Digest digest) {

  /** Largest chunk the filesystem accepts; chunks are held in memory whole. */
  public static final long MAX_SIZE = 64L << 20;

  public ChunkKey {
    Objects.requireNonNull(digest, "digest");
    if (layer < 0) {
      throw new IllegalArgumentException("chunk layer index must be >= 0, got " + layer);
    }
    if (compressedOffset < 0 || compressedLength < 0 || innerOffset < 0) {
      throw new IllegalArgumentException(
          "chunk offsets must be >= 0, got offset="
              + compressedOffset
              + " length="
              + compressedLength
              + " inner="
              + innerOffset);
    }
    if (size <= 0 || size > MAX_SIZE) {
      throw new IllegalArgumentException(
          "chunk size must be in 1.." + MAX_SIZE + ", got " + size + " for " + digest);
    }
  }

  @Override
  public String toString() {
    return "chunk " + digest + " (layer " + layer + " @" + compressedOffset + ", " + size + " B)";
  }
}
