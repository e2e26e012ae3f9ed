package dev.tracefetch.replayer.discovery;

/**
 * A plan was read but does not fit the mounted image (another manifest, unknown layers). Such a
 * plan is never replayed: prefetching another image's ranges would only waste bandwidth.
 */
public final class PlanRefusedException extends Exception {
  private static final long serialVersionUID = 1L;

  public PlanRefusedException(String message) {
    super(message);
  }
}
