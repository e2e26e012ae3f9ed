package dev.tracefetch.planner;

import dev.tracefetch.api.v1.TraceScore;
import java.util.List;
import java.util.Objects;

/**
 * One trace's place in a {@link TraceRanking}: its score in [0, 1], the components behind it and
 * the reasons, one short sentence per component, that the API and the web UI show.
 *
 * @param bytesRead compressed bytes of the distinct chunks the trace read
 */
public record ScoredTrace(
    String traceId,
    double score,
    ScoreComponents components,
    List<String> reasons,
    long bytesRead) {

  public ScoredTrace {
    Objects.requireNonNull(traceId, "traceId");
    Objects.requireNonNull(components, "components");
    reasons = List.copyOf(reasons);
    if (!(score >= 0 && score <= 1)) {
      throw new IllegalArgumentException("score must be in [0, 1], got " + score);
    }
  }

  /** The API form, as listed in {@code Provenance.traces} and {@code ListTraces}. */
  public TraceScore toTraceScore() {
    return TraceScore.newBuilder()
        .setTraceId(traceId)
        .setScore(score)
        .addAllReasons(reasons)
        .build();
  }
}
