package dev.tracefetch.api.files;

import java.io.IOException;

/** A trace or replay file that cannot be read: wrong magic, newer version, too large, truncated. */
public final class FileFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  public FileFormatException(String message) {
    super(message);
  }

  public FileFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
