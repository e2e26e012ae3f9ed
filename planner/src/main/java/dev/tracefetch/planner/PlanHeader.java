package dev.tracefetch.planner;

/**
 * What the store, not the traces, decides about a plan: its version (increasing each time the plan
 * of an image is recomputed) and when it was made. Passed in so that merging stays a pure function
 * of its inputs.
 */
public record PlanHeader(long version, long createdUnixMicros) {
  public PlanHeader {
    if (version < 0) {
      throw new IllegalArgumentException("version is negative: " + version);
    }
    if (createdUnixMicros < 0) {
      throw new IllegalArgumentException("createdUnixMicros is negative: " + createdUnixMicros);
    }
  }
}
