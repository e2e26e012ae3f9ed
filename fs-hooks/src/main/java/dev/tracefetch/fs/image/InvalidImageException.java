package dev.tracefetch.fs.image;

/**
 * A layer cannot be merged safely: a name escapes the root, an entry is duplicated, a hard link has
 * no target, chunk lists do not cover the file. The message names the layer and the entry.
 */
public final class InvalidImageException extends Exception {
  private static final long serialVersionUID = 1L;

  public InvalidImageException(String message) {
    super(message);
  }
}
