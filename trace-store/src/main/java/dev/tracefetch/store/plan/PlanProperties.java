package dev.tracefetch.store.plan;

import dev.tracefetch.planner.RankingSettings;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How plans are computed and served. Ranking knobs not listed here keep the defaults documented on
 * {@link RankingSettings}.
 *
 * @param topK how many of the best-ranked traces are merged into a plan at most
 * @param mergeScoreRatio a trace is merged only if its score is at least this fraction of the best
 *     score, so that outliers stay out even when there are fewer than {@code topK} good traces
 * @param minSupport fraction of the merged traces a chunk must appear in to enter the plan
 * @param recomputeThreads threads that rank and merge in the background
 * @param keepVersions how many plan versions are kept per image (older ones are deleted)
 * @param cacheTtl how long a served plan is reused without asking the database; plans computed by
 *     this instance replace the cached one at once, so this only bounds staleness across instances
 * @param cachedImages how many images keep their ranking state in memory between recomputations
 *     (others rebuild it from the stored profiles)
 * @param recomputeOnStart on start-up, recompute plans of images whose traces changed after their
 *     last plan (e.g. the store stopped before a recomputation ran)
 * @param rankingParallelism threads one large ranking may use; 0 for the number of processors
 * @param recomputeDelay how long a recomputation waits after the first change so that a burst of
 *     uploads is ranked once (a busy image also waits as long as its previous run took)
 * @param handOverBytes profiles of newly uploaded traces kept in memory until their image is
 *     recomputed, at most this many bytes (beyond that they are read back from the database)
 * @param cachedStateBytes how much heap the cached ranking states may take together, roughly (least
 *     recently used images are dropped beyond it, but never the image just recomputed); 0 for a
 *     quarter of the maximum heap
 */
@ConfigurationProperties("tracestore.plan")
public record PlanProperties(
    @DefaultValue("20") int topK,
    @DefaultValue("0.75") double mergeScoreRatio,
    @DefaultValue("0.5") double minSupport,
    @DefaultValue("1") int recomputeThreads,
    @DefaultValue("10") int keepVersions,
    @DefaultValue("5s") Duration cacheTtl,
    @DefaultValue("64") int cachedImages,
    @DefaultValue("true") boolean recomputeOnStart,
    @DefaultValue("0") int rankingParallelism,
    @DefaultValue("500ms") Duration recomputeDelay,
    @DefaultValue("64MB") org.springframework.util.unit.DataSize handOverBytes,
    @DefaultValue("0B") org.springframework.util.unit.DataSize cachedStateBytes) {

  public PlanProperties {
    if (recomputeThreads < 1) {
      throw new IllegalArgumentException(
          "tracestore.plan.recompute-threads must be at least 1, got " + recomputeThreads);
    }
    if (keepVersions < 1) {
      throw new IllegalArgumentException(
          "tracestore.plan.keep-versions must be at least 1, got " + keepVersions);
    }
    if (rankingParallelism < 0) {
      throw new IllegalArgumentException(
          "tracestore.plan.ranking-parallelism must not be negative, got " + rankingParallelism);
    }
    if (recomputeDelay.isNegative()) {
      throw new IllegalArgumentException(
          "tracestore.plan.recompute-delay must not be negative, got " + recomputeDelay);
    }
    if (cachedImages < 0) {
      throw new IllegalArgumentException(
          "tracestore.plan.cached-images must not be negative, got " + cachedImages);
    }
    if (cachedStateBytes.isNegative()) {
      throw new IllegalArgumentException(
          "tracestore.plan.cached-state-bytes must not be negative, got " + cachedStateBytes);
    }
  }

  /** The byte budget of cached ranking states, with 0 resolved to a quarter of the heap. */
  long cachedStateBudget() {
    long bytes = cachedStateBytes.toBytes();
    return bytes > 0 ? bytes : Runtime.getRuntime().maxMemory() / 4;
  }

  /** The ranking settings these properties select (validated by {@link RankingSettings}). */
  public RankingSettings rankingSettings() {
    RankingSettings.Builder settings =
        RankingSettings.builder()
            .topK(topK)
            .mergeScoreRatio(mergeScoreRatio)
            .minSupport(minSupport);
    if (rankingParallelism > 0) {
      settings.parallelism(rankingParallelism);
    }
    return settings.build();
  }
}
