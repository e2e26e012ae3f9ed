package dev.tracefetch.store.plan;

import dev.tracefetch.api.v1.ReplayPlan;
import java.util.List;

/**
 * The result of ranking and merging the traces of one image.
 *
 * @param ranking every input trace, best first
 * @param plan the merged plan; app, digest, version and creation time are filled in by the store
 */
public record PlanComputation(List<TraceJudgement> ranking, ReplayPlan plan) {
  public PlanComputation {
    ranking = List.copyOf(ranking);
  }
}
