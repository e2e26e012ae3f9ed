package dev.tracefetch.builder.plan;

/**
 * The traces or plan given to a builder command cannot serve the image: a trace for another image
 * that cannot be mapped, an empty trace, a chunk or layer the image does not have, a plan the store
 * does not have. The message names the trace file, image, layer or store involved.
 */
public final class PlanBuildException extends Exception {
  private static final long serialVersionUID = 1L;

  public PlanBuildException(String message) {
    super(message);
  }

  public PlanBuildException(String message, Throwable cause) {
    super(message, cause);
  }
}
