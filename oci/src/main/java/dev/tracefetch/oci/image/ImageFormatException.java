package dev.tracefetch.oci.image;

import java.io.IOException;

/**
 * A manifest, index or config document is not what the OCI image spec (or Docker's v2 schema 2)
 * says it must be. It is checked because such documents come from outside (a registry, a layout
 * directory) and callers must decide what to do with bad content; the message names the document
 * kind and the offending field.
 */
public class ImageFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  public ImageFormatException(String message) {
    super(message);
  }

  public ImageFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
