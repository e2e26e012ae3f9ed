package dev.tracefetch.fs.image;

import java.util.Objects;

/**
 * One chunk of a regular file: the file range it covers and the key that fetches it. A file's
 * chunks are contiguous and ordered, so a read maps to chunks by binary search on {@link
 * #fileOffset()}.
 *
 * @param fileOffset offset of the chunk's first byte within the (uncompressed) file
 * @param key where the bytes come from; {@code key.size()} is the chunk length
 */
public record ChunkRef(long fileOffset, ChunkKey key) {
  public ChunkRef {
    Objects.requireNonNull(key, "key");
    if (fileOffset < 0) {
      throw new IllegalArgumentException("chunk file offset must be >= 0, got " + fileOffset);
    }
  }

  /** Uncompressed length of the chunk. */
  public long size() {
    return key.size();
  }

  /** File offset just past the chunk. */
  public long endOffset() {
    return fileOffset + key.size();
  }
}
