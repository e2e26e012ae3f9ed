package dev.tracefetch.fs.remote;

import dev.tracefetch.fs.image.EntryPaths;
import dev.tracefetch.fs.image.InvalidImageException;
import dev.tracefetch.fs.image.Layer;
import dev.tracefetch.fs.image.LayerEntry;
import dev.tracefetch.layer.estargz.Estargz;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The files eStargz adds at the root of a layer for its own use: the TOC {@code stargz.index.json}
 * and the landmarks {@code .prefetch.landmark} / {@code .no.prefetch.landmark}. They are not image
 * content, so the mount hides them at its root as stargz-snapshotter does (its FUSE node answers
 * ENOENT for the landmarks in the root and never lists the TOC). This matters for layers that are
 * served from a plain tar: an eStargz blob without its annotation, or a layer unpacked from eStargz
 * by a runtime that did not know the format and committed again, has them as real tar entries. Only
 * the root is affected; the same names deeper in the tree are ordinary files.
 */
public final class EstargzBookkeeping {
  /** Names hidden at the mount root. */
  public static final Set<String> HIDDEN_AT_ROOT =
      Set.of(Estargz.TOC_TAR_NAME, Estargz.PREFETCH_LANDMARK, Estargz.NO_PREFETCH_LANDMARK);

  private EstargzBookkeeping() {}

  /**
   * {@code layer} without its root-level eStargz bookkeeping entries (or itself if it has none).
   */
  public static Layer strip(Layer layer) {
    List<LayerEntry> kept = new ArrayList<>(layer.entries().size());
    for (LayerEntry e : layer.entries()) {
      if (!isBookkeeping(e.name())) {
        kept.add(e);
      }
    }
    return kept.size() == layer.entries().size() ? layer : new Layer(layer.id(), kept);
  }

  /** Whether the tar entry name {@code raw} is a bookkeeping file at the layer root. */
  static boolean isBookkeeping(String raw) {
    try {
      return HIDDEN_AT_ROOT.contains(EntryPaths.normalize(raw, raw).path());
    } catch (InvalidImageException e) {
      return false; // left for the merge, which rejects it with its own message
    }
  }
}
