package dev.tracefetch.fs.remote;

import dev.tracefetch.fs.image.ChunkKey;
import dev.tracefetch.fs.lazy.ChunkSource;
import dev.tracefetch.layer.estargz.BlobRangeReader;
import dev.tracefetch.layer.estargz.ChunkDecoder;
import dev.tracefetch.layer.estargz.EstargzChunk;
import java.io.IOException;
import java.util.Objects;

/**
 * Chunks of one eStargz layer: one range read of the chunk's gzip member(s), then gunzip and digest
 * check by the eStargz decoder. The range comes from the key, which {@link EstargzLayers} filled
 * from the TOC.
 */
public final class EstargzChunkSource implements ChunkSource {
  private final String layerName;
  private final BlobRangeReader blob;

  /**
   * @param layerName how errors name the layer (usually its digest)
   * @param blob the layer blob
   */
  public EstargzChunkSource(String layerName, BlobRangeReader blob) {
    this.layerName = Objects.requireNonNull(layerName, "layerName");
    this.blob = Objects.requireNonNull(blob, "blob");
  }

  /** The decoder checks every chunk against its digest. */
  @Override
  public boolean verifiesDigests() {
    return true;
  }

  @Override
  public byte[] read(ChunkKey key) throws IOException {
    if (key.compressedLength() <= 0 || key.compressedLength() > Integer.MAX_VALUE) {
      throw new IOException(
          "layer " + layerName + ": " + key + " has no usable compressed range in the index");
    }
    byte[] compressed = blob.read(key.compressedOffset(), (int) key.compressedLength());
    EstargzChunk chunk =
        new EstargzChunk(
            "layer " + key.layer() + " @" + key.compressedOffset(),
            0,
            key.compressedOffset(),
            key.compressedOffset() + key.compressedLength(),
            key.innerOffset(),
            0,
            (int) key.size(),
            key.digest());
    return ChunkDecoder.decode(layerName, chunk, compressed);
  }
}
