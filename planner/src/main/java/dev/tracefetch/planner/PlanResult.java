package dev.tracefetch.planner;

import dev.tracefetch.api.v1.ReplayPlan;
import java.util.List;
import java.util.Objects;

/**
 * What {@link ImagePlanner} produces: every trace's score and reasons, which traces the plan
 * merged, and the plan.
 *
 * @param ranking every trace of the image, best first
 * @param merged the traces merged into the plan, best first (a prefix of the ranking)
 */
public record PlanResult(TraceRanking ranking, List<ScoredTrace> merged, ReplayPlan plan) {
  public PlanResult {
    Objects.requireNonNull(ranking, "ranking");
    merged = List.copyOf(merged);
    Objects.requireNonNull(plan, "plan");
  }

  /** Whether the trace {@code traceId} was merged into the plan. */
  public boolean inPlan(String traceId) {
    for (ScoredTrace trace : merged) {
      if (trace.traceId().equals(traceId)) {
        return true;
      }
    }
    return false;
  }
}
