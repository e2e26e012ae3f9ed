package dev.tracefetch.store.insight;

import dev.tracefetch.api.v1.ChunkRef;
import dev.tracefetch.api.v1.Trace;

/**
 * Identifies a compressed chunk across traces: by layer blob digest (the same blob may sit at
 * another index in another image), falling back to the index when a trace does not list its layers.
 */
record ChunkKey(String layer, long offset, long length) {
  static ChunkKey of(Trace trace, ChunkRef chunk) {
    int index = chunk.getLayerIndex();
    String digest = index < trace.getLayersCount() ? trace.getLayers(index).getDigest() : "";
    return new ChunkKey(
        digest.isEmpty() ? "#" + index : digest,
        chunk.getCompressedOffset(),
        chunk.getCompressedLength());
  }
}
