package dev.tracefetch.planner;

/**
 * A profile that does not fit the other profiles of a {@link RankingState}: recorded on another
 * image or app, or disagreeing with earlier traces about a chunk's length or digest. Traces of one
 * image must describe the same blobs, so such a trace is refused rather than merged.
 */
public final class InconsistentTraceException extends Exception {
  private static final long serialVersionUID = 1L;

  public InconsistentTraceException(String message) {
    super(message);
  }
}
