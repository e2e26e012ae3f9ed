package dev.tracefetch.planner;

import dev.tracefetch.api.v1.TraceScore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The traces of one (app, image), best first (ties broken by trace id, so the order is
 * deterministic). Produced by {@link TraceRanker}, consumed by {@link PlanMerger} and the API.
 */
public record TraceRanking(List<ScoredTrace> traces) {

  public TraceRanking {
    traces = List.copyOf(traces);
  }

  public int size() {
    return traces.size();
  }

  public boolean isEmpty() {
    return traces.isEmpty();
  }

  public Optional<ScoredTrace> find(String traceId) {
    for (ScoredTrace trace : traces) {
      if (trace.traceId().equals(traceId)) {
        return Optional.of(trace);
      }
    }
    return Optional.empty();
  }

  /** Trace ids, best first. */
  public List<String> traceIds() {
    List<String> ids = new ArrayList<>(traces.size());
    for (ScoredTrace trace : traces) {
      ids.add(trace.traceId());
    }
    return ids;
  }

  /** The API form, best first. */
  public List<TraceScore> toTraceScores() {
    List<TraceScore> scores = new ArrayList<>(traces.size());
    for (ScoredTrace trace : traces) {
      scores.add(trace.toTraceScore());
    }
    return scores;
  }
}
