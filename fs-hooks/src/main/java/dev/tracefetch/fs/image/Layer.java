package dev.tracefetch.fs.image;

import java.util.List;
import java.util.Objects;

/**
 * The entries of one image layer in layer order, plus a human-readable id (usually the blob digest)
 * used in error messages. Order matters only for duplicate detection and hard links; the merge
 * itself follows OCI rules, not tar order.
 *
 * @param id label for messages, e.g. {@code sha256:...} of the layer blob
 * @param entries entries as read from the layer
 */
public record Layer(String id, List<LayerEntry> entries) {
  public Layer {
    Objects.requireNonNull(id, "id");
    entries = List.copyOf(entries);
  }
}
