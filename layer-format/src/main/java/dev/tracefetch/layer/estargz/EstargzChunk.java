package dev.tracefetch.layer.estargz;

import dev.tracefetch.oci.image.Digest;
import java.util.Objects;

/**
 * One independently fetchable and verifiable piece of a regular file: the unit of registry range
 * requests, of chunk-cache entries (keyed by {@link #chunkDigest()}) and of recorded traces.
 *
 * @param path normalised path of the file the chunk belongs to
 * @param index position of the chunk within the file (0 for the {@code reg} entry)
 * @param compressedOffset blob offset of the gzip member holding the chunk
 * @param compressedEnd blob offset where that member's range ends: the next larger chunk offset in
 *     the blob, or the TOC offset; fetching {@code [compressedOffset, compressedEnd)} is always
 *     enough to decode the chunk
 * @param innerOffset bytes to skip in the decompressed member before the chunk starts
 * @param chunkOffset offset of the chunk within the file
 * @param chunkSize uncompressed size of the chunk (never 0)
 * @param chunkDigest sha256 of the uncompressed chunk
 */
public record EstargzChunk(
    String path,
    int index,
    long compressedOffset,
    long compressedEnd,
    long innerOffset,
    long chunkOffset,
    int chunkSize,
    Digest chunkDigest) {

  public EstargzChunk {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(chunkDigest, "chunkDigest");
    if (compressedOffset < 0
        || compressedEnd <= compressedOffset
        || innerOffset < 0
        || chunkOffset < 0
        || chunkSize <= 0
        || index < 0) {
      throw new IllegalArgumentException(
          "inconsistent chunk "
              + index
              + " of '"
              + path
              + "': compressed ["
              + compressedOffset
              + ", "
              + compressedEnd
              + "), inner offset "
              + innerOffset
              + ", file range ["
              + chunkOffset
              + ", +"
              + chunkSize
              + ")");
    }
  }

  /** Bytes to fetch from the blob for this chunk. */
  public long compressedLength() {
    return compressedEnd - compressedOffset;
  }

  /** File offset just after the chunk. */
  public long chunkEnd() {
    return chunkOffset + chunkSize;
  }

  /** Short description for log lines and errors. */
  public String describe() {
    return "chunk "
        + index
        + " (file bytes ["
        + chunkOffset
        + ", "
        + chunkEnd()
        + "), blob offset "
        + compressedOffset
        + ") of '"
        + path
        + "'";
  }
}
