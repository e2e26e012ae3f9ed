package dev.tracefetch.planner;

import java.io.IOException;

/**
 * Stored profile bytes that cannot be decoded: wrong magic, unknown version, truncated, or decoding
 * to an invalid profile. The store should re-extract the profile from the trace.
 */
public final class ProfileFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  public ProfileFormatException(String message) {
    super(message);
  }

  public ProfileFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
