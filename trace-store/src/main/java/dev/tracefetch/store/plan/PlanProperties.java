package dev.tracefetch.store.plan;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How plans are computed and served.
 *
 * @param topK how many of the best-ranked traces are merged into a plan
 * @param minSupport fraction of the merged traces a chunk must appear in to enter the plan
 * @param recomputeThreads threads that rank and merge in the background
 * @param keepVersions how many plan versions are kept per image (older ones are deleted)
 * @param cacheTtl how long a served plan is reused without asking the database; plans computed by
 *     this instance replace the cached one at once, so this only bounds staleness across instances
 * @param recomputeOnStart on start-up, recompute plans of images whose traces changed after their
 *     last plan (e.g. the store stopped before a recomputation ran)
 */
@ConfigurationProperties("tracestore.plan")
public record PlanProperties(
    @DefaultValue("10") int topK,
    @DefaultValue("0.5") double minSupport,
    @DefaultValue("1") int recomputeThreads,
    @DefaultValue("10") int keepVersions,
    @DefaultValue("5s") Duration cacheTtl,
    @DefaultValue("true") boolean recomputeOnStart) {

  public PlanProperties {
    if (topK < 1) {
      throw new IllegalArgumentException("tracestore.plan.top-k must be at least 1, got " + topK);
    }
    if (!(minSupport > 0 && minSupport <= 1)) {
      throw new IllegalArgumentException(
          "tracestore.plan.min-support must be in (0, 1], got " + minSupport);
    }
    if (recomputeThreads < 1) {
      throw new IllegalArgumentException(
          "tracestore.plan.recompute-threads must be at least 1, got " + recomputeThreads);
    }
    if (keepVersions < 1) {
      throw new IllegalArgumentException(
          "tracestore.plan.keep-versions must be at least 1, got " + keepVersions);
    }
  }
}
