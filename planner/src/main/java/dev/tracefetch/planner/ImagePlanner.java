package dev.tracefetch.planner;

import dev.tracefetch.api.v1.Provenance;
import dev.tracefetch.api.v1.ReplayPlan;
import java.time.Instant;
import java.util.Objects;

/**
 * Ranks the traces of one (app, image) and merges the best into the next plan, in one call: the
 * entry point for the store (after {@code state = state.plus(profile)}) and for the builder. Unlike
 * {@link PlanMerger#merge}, an empty state is not an error here: it yields an empty ranking and a
 * plan without layers, so the caller can store "nothing to prefetch" after the last trace of an
 * image was deleted.
 */
public final class ImagePlanner {
  private final RankingSettings settings;
  private final TraceRanker ranker;
  private final PlanMerger merger;

  public ImagePlanner(RankingSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.ranker = new TraceRanker(settings);
    this.merger = new PlanMerger(settings);
  }

  public RankingSettings settings() {
    return settings;
  }

  /**
   * @param now reference time for recency
   * @param header version and creation time of the plan
   */
  public PlanResult plan(RankingState state, Instant now, PlanHeader header) {
    TraceRanking ranking = ranker.rank(state, now);
    if (ranking.isEmpty()) {
      ReplayPlan empty =
          ReplayPlan.newBuilder()
              .setApp(state.app())
              .setManifestDigest(state.manifestDigest())
              .setVersion(header.version())
              .setCreatedUnixMicros(header.createdUnixMicros())
              .setProvenance(
                  Provenance.newBuilder().setMinSupport(settings.minSupport()).setCoverage(1.0))
              .build();
      return new PlanResult(ranking, java.util.List.of(), empty);
    }
    return new PlanResult(ranking, merger.select(ranking), merger.merge(state, ranking, header));
  }
}
