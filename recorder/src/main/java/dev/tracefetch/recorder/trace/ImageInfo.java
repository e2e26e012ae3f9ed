package dev.tracefetch.recorder.trace;

import dev.tracefetch.fs.image.MergedTree;
import dev.tracefetch.oci.image.Descriptor;
import java.util.List;
import java.util.Objects;

/**
 * The image a trace was recorded on, as it was mounted: the trace names the exact manifest and
 * layers so the store never confuses two builds behind one tag.
 *
 * @param reference the reference as the user gave it
 * @param manifestDigest digest of the mounted manifest ({@code sha256:...})
 * @param layers layer descriptors in manifest order
 * @param tree the merged tree, to describe files by path
 */
public record ImageInfo(
    String reference, String manifestDigest, List<Descriptor> layers, MergedTree tree) {
  public ImageInfo {
    Objects.requireNonNull(reference, "reference");
    Objects.requireNonNull(manifestDigest, "manifestDigest");
    Objects.requireNonNull(tree, "tree");
    layers = List.copyOf(layers);
  }

  /** Sum of the compressed layer sizes: what a full pull downloads. */
  public long compressedSize() {
    return layers.stream().mapToLong(Descriptor::size).sum();
  }
}
