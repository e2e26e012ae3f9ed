package dev.tracefetch.planner;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** The chunk tables of every layer of one image, in manifest order (index = layer index). */
public record ImageChunkTable(String manifestDigest, List<LayerChunkTable> layers) {
  public ImageChunkTable {
    Objects.requireNonNull(manifestDigest, "manifestDigest");
    layers = List.copyOf(layers);
  }

  public List<String> layerDigests() {
    List<String> digests = new ArrayList<>(layers.size());
    for (LayerChunkTable layer : layers) {
      digests.add(layer.layerDigest());
    }
    return digests;
  }
}
