package dev.tracefetch.layer.tar;

import java.io.IOException;

/**
 * A tar stream is malformed or uses a feature a container layer must not contain. The message names
 * the byte offset in the (uncompressed) tar stream and, where known, the entry.
 */
public final class TarFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  public TarFormatException(String message) {
    super(message);
  }

  public TarFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
