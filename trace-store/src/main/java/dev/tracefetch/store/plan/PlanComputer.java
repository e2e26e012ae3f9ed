package dev.tracefetch.store.plan;

/**
 * Ranks the traces of an image and merges the best into a replay plan. A pure function of its
 * input: the store takes care of loading, versioning, storing and caching around it.
 */
public interface PlanComputer {
  PlanComputation compute(PlanInput input);
}
