package dev.tracefetch.builder.plan;

import java.io.IOException;
import java.util.Optional;

/**
 * Finds the image a trace or plan was recorded on, so that it can be mapped onto the image being
 * built for by path and content digest (a new release of the same app).
 */
@FunctionalInterface
public interface SourceImages {
  /**
   * The image with manifest {@code manifestDigest}, or empty when it cannot be found.
   *
   * @param imageReference the reference the recording names (may be empty), a hint where to look
   */
  Optional<IndexedImage> find(String manifestDigest, String imageReference) throws IOException;

  /** Finds nothing: only traces and plans for the image itself are accepted. */
  static SourceImages none() {
    return (digest, reference) -> Optional.empty();
  }
}
