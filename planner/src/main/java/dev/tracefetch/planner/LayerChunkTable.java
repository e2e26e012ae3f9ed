package dev.tracefetch.planner;

import java.util.List;
import java.util.Objects;

/**
 * The file → chunk table of one layer blob, identified by its digest (two images sharing a layer
 * share its table).
 */
public record LayerChunkTable(String layerDigest, List<ChunkEntry> entries) {
  public LayerChunkTable {
    Objects.requireNonNull(layerDigest, "layerDigest");
    if (layerDigest.isBlank()) {
      throw new IllegalArgumentException("layer digest is blank");
    }
    entries = List.copyOf(entries);
  }
}
