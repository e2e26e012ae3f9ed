package dev.tracefetch.fs.local;

import dev.tracefetch.fs.image.InvalidImageException;
import dev.tracefetch.fs.image.Layer;
import dev.tracefetch.fs.image.MergedTree;
import java.io.Closeable;
import java.io.IOException;
import java.util.Comparator;
import java.util.List;

/**
 * An image made of {@link LocalLayer}s: the merged tree plus a chunk source over their data files.
 * Lets everything above the chunk source (cache, filesystem, FUSE, hooks) run without a registry.
 */
public final class LocalImage implements Closeable {
  private final List<LocalLayer> layers;
  private final MergedTree tree;
  private final LocalChunkSource source;

  private LocalImage(List<LocalLayer> layers, MergedTree tree, LocalChunkSource source) {
    this.layers = layers;
    this.tree = tree;
    this.source = source;
  }

  /** Merges {@code layers} (any order; sorted by index) and opens their data files. */
  public static LocalImage of(List<LocalLayer> layers) throws IOException, InvalidImageException {
    List<LocalLayer> sorted =
        layers.stream().sorted(Comparator.comparingInt(LocalLayer::index)).toList();
    for (int i = 0; i < sorted.size(); i++) {
      if (sorted.get(i).index() != i) {
        throw new IllegalArgumentException("layer indexes must be 0.." + (sorted.size() - 1));
      }
    }
    MergedTree tree = MergedTree.build(sorted.stream().map(LocalLayer::layer).toList());
    return new LocalImage(sorted, tree, new LocalChunkSource(sorted));
  }

  public List<LocalLayer> layers() {
    return layers;
  }

  public List<Layer> layerEntries() {
    return layers.stream().map(LocalLayer::layer).toList();
  }

  public MergedTree tree() {
    return tree;
  }

  public LocalChunkSource source() {
    return source;
  }

  @Override
  public void close() throws IOException {
    source.close();
  }
}
