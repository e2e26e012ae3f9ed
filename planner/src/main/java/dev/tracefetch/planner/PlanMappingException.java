package dev.tracefetch.planner;

/**
 * A plan or profile that cannot be mapped with the tables given: it was recorded on another image
 * than the source table describes, or names a layer the source image does not have.
 */
public final class PlanMappingException extends Exception {
  private static final long serialVersionUID = 1L;

  public PlanMappingException(String message) {
    super(message);
  }
}
