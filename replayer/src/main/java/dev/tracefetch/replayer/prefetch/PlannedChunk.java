package dev.tracefetch.replayer.prefetch;

import dev.tracefetch.layer.estargz.EstargzChunk;
import dev.tracefetch.oci.image.Digest;
import java.util.Objects;

/**
 * One chunk a replay wants in the cache, with the layer blob it comes from: the unit the scheduler
 * orders, coalesces and skips.
 *
 * @param layer layer index in the image (0 = lowest)
 * @param chunk the eStargz chunk (blob range, inner offset, size, digest)
 */
public record PlannedChunk(int layer, EstargzChunk chunk) {
  public PlannedChunk {
    Objects.requireNonNull(chunk, "chunk");
    if (layer < 0) {
      throw new IllegalArgumentException("layer index must be >= 0, got " + layer);
    }
  }

  public Digest digest() {
    return chunk.chunkDigest();
  }

  public long offset() {
    return chunk.compressedOffset();
  }

  public long end() {
    return chunk.compressedEnd();
  }
}
