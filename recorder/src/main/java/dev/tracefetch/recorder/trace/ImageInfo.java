package dev.tracefetch.recorder.trace;

import dev.tracefetch.fs.image.TreeNode;
import dev.tracefetch.fs.lazy.LazyTree;
import dev.tracefetch.oci.image.Descriptor;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The image a trace was recorded on, as it was mounted: the trace names the exact manifest and
 * layers so the store never confuses two builds behind one tag.
 *
 * @param reference the reference as the user gave it
 * @param manifestDigest digest of the mounted manifest ({@code sha256:...})
 * @param layers layer descriptors in manifest order
 * @param tree the mounted tree, to describe files by path
 */
public record ImageInfo(
    String reference, String manifestDigest, List<Descriptor> layers, LazyTree tree) {
  public ImageInfo {
    Objects.requireNonNull(reference, "reference");
    Objects.requireNonNull(manifestDigest, "manifestDigest");
    Objects.requireNonNull(tree, "tree");
    layers = List.copyOf(layers);
  }

  /**
   * The node at {@code path}. An access event exists only after the filesystem resolved the tree,
   * so an unresolved tree means no node (the event is left out).
   */
  public Optional<TreeNode> node(String path) {
    return tree.ifResolved().flatMap(t -> t.lookup(path));
  }

  /** Sum of the compressed layer sizes: what a full pull downloads. */
  public long compressedSize() {
    return layers.stream().mapToLong(Descriptor::size).sum();
  }
}
