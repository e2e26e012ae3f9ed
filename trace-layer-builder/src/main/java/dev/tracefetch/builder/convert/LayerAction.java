package dev.tracefetch.builder.convert;

/** What conversion did with one layer; shown per layer in progress and {@code --json} output. */
public enum LayerAction {
  /** Re-encoded as eStargz: new blob, new diff ID. */
  CONVERTED,
  /** Already eStargz with valid footer, TOC and annotations: blob and descriptor kept. */
  KEPT,
  /**
   * Already an eStargz blob (valid footer and TOC) whose descriptor lacked eStargz annotations:
   * blob kept byte for byte, annotations added to its descriptor.
   */
  ANNOTATED
}
