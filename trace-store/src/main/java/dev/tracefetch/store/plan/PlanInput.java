package dev.tracefetch.store.plan;

import java.time.Instant;
import java.util.List;

/**
 * Everything a plan is computed from.
 *
 * @param app the app
 * @param manifestDigest the image the plan is for
 * @param traces all traces of that image
 * @param now the time of the computation (for recency)
 * @param topK how many traces to merge at most
 * @param minSupport fraction of merged traces a chunk must appear in
 */
public record PlanInput(
    String app,
    String manifestDigest,
    List<LoadedTrace> traces,
    Instant now,
    int topK,
    double minSupport) {
  public PlanInput {
    traces = List.copyOf(traces);
  }
}
