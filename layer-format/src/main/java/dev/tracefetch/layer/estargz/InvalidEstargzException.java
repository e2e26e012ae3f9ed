package dev.tracefetch.layer.estargz;

import java.io.IOException;

/**
 * An eStargz blob, footer or TOC is malformed, over a configured limit, or describes something
 * unsafe (names escaping the root, overlapping chunks, offsets past the blob). Such a layer is
 * never mounted; the message names the layer and the entry or offset at fault.
 */
public final class InvalidEstargzException extends IOException {
  private static final long serialVersionUID = 1L;

  public InvalidEstargzException(String message) {
    super(message);
  }

  public InvalidEstargzException(String message, Throwable cause) {
    super(message, cause);
  }
}
