package dev.tracefetch.store.trace;

import java.util.List;

/**
 * How the latest ranking of its image judged a trace; shown next to the trace so people can see why
 * a start was or was not used.
 *
 * @param score higher is better
 * @param reasons human-readable reasons for the score
 * @param inPlan whether the trace was merged into the plan of that ranking
 * @param planVersion the plan version the ranking produced
 */
public record TraceRating(double score, List<String> reasons, boolean inPlan, long planVersion) {
  public TraceRating {
    reasons = List.copyOf(reasons);
  }
}
