package dev.tracefetch.oci.image;

import java.io.IOException;

/**
 * A tag, manifest or blob does not exist in an {@link ImageStore}. Separate from other I/O errors
 * because "absent" is an answer callers act on (push it, try another source), not a failure.
 */
public final class ContentNotFoundException extends IOException {
  private static final long serialVersionUID = 1L;

  public ContentNotFoundException(String message) {
    super(message);
  }
}
