package dev.tracefetch.planner;

/**
 * A trace (or a profile built by hand or decoded from storage) that cannot be ranked: a chunk
 * reference with a negative offset or zero length, a layer index outside the image, the same chunk
 * reported with two lengths. The message names the trace and the offending event or chunk.
 */
public final class InvalidTraceException extends Exception {
  private static final long serialVersionUID = 1L;

  public InvalidTraceException(String message) {
    super(message);
  }
}
