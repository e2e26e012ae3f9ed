package dev.tracefetch.replayer.control;

/**
 * A start request named an image (e.g. from the container's annotations) that is not the one this
 * replayer mounted, so its plan would not fit.
 */
public final class ImageMismatchException extends Exception {
  private static final long serialVersionUID = 1L;

  public ImageMismatchException(String message) {
    super(message);
  }
}
