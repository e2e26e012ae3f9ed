package dev.tracefetch.store.plan;

import java.util.List;
import java.util.UUID;

/**
 * The ranking's verdict on one trace.
 *
 * @param traceId the trace
 * @param score higher is better
 * @param reasons why, in words a person reading the UI understands
 * @param inPlan whether the trace was merged into the plan
 */
public record TraceJudgement(UUID traceId, double score, List<String> reasons, boolean inPlan) {
  public TraceJudgement {
    reasons = List.copyOf(reasons);
  }
}
