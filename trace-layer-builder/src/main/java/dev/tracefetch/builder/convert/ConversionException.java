package dev.tracefetch.builder.convert;

import java.io.IOException;

/**
 * The source image cannot be converted as it is: an unsupported layer media type, a layer whose
 * content does not match the config's diff ID, a tar the eStargz writer refuses. The message names
 * the image and the layer (position and digest).
 */
public final class ConversionException extends IOException {
  private static final long serialVersionUID = 1L;

  public ConversionException(String message) {
    super(message);
  }

  public ConversionException(String message, Throwable cause) {
    super(message, cause);
  }
}
