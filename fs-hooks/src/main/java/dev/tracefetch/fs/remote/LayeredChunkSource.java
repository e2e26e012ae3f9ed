package dev.tracefetch.fs.remote;

import dev.tracefetch.fs.image.ChunkKey;
import dev.tracefetch.fs.lazy.ChunkSource;
import java.io.IOException;
import java.util.Map;

/**
 * Routes each chunk to the source of its layer: an image may mix eStargz layers (ranged reads from
 * the registry) and layers that had to be downloaded whole (local reads).
 */
public final class LayeredChunkSource implements ChunkSource {
  private final Map<Integer, ChunkSource> byLayer;
  private final boolean verifies;

  public LayeredChunkSource(Map<Integer, ChunkSource> byLayer) {
    this.byLayer = Map.copyOf(byLayer);
    this.verifies = this.byLayer.values().stream().allMatch(ChunkSource::verifiesDigests);
  }

  @Override
  public boolean verifiesDigests() {
    return verifies;
  }

  @Override
  public byte[] read(ChunkKey key) throws IOException {
    ChunkSource s = byLayer.get(key.layer());
    if (s == null) {
      throw new IOException("no source for layer " + key.layer() + " (" + key + ")");
    }
    return s.read(key);
  }
}
