package dev.tracefetch.planner;

import static dev.tracefetch.planner.Profiles.profile;
import static dev.tracefetch.planner.Profiles.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracefetch.api.v1.LayerPlan;
import dev.tracefetch.api.v1.PlannedRange;
import dev.tracefetch.api.v1.ReplayPlan;
import dev.tracefetch.api.v1.TraceScore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PlanMergerTest {
  private static final Instant NOW = Instant.ofEpochSecond(SyntheticTraces.NOW_MICROS / 1_000_000);
  private static final PlanHeader HEADER = new PlanHeader(7, 1_700_000_000_000_000L);

  /** No coalescing: every planned chunk is its own range. */
  private static final RankingSettings SEPARATE =
      RankingSettings.builder().gapThresholdBytes(0).maxRangeBytes(1).build();

  private static ReplayPlan plan(RankingSettings settings, RankingState state) {
    TraceRanking ranking = new TraceRanker(settings).rank(state, NOW);
    return new PlanMerger(settings).merge(state, ranking, HEADER);
  }

  private static List<String> traceIds(ReplayPlan plan) {
    return plan.getProvenance().getTracesList().stream().map(TraceScore::getTraceId).toList();
  }

  @Test
  void theOutlierDoesNotChangeThePlan() throws Exception {
    Fixture f = new Fixture(31);
    List<TraceProfile> normals = f.normals(10);
    RankingState without = RankingState.of(normals);
    RankingState with = without.plus(f.outlier(0));
    RankingSettings settings = RankingSettings.defaults();

    TraceRanking ranking = new TraceRanker(settings).rank(with, NOW);
    assertThat(ranking.traceIds().get(10)).isEqualTo("outlier-0");
    ReplayPlan planWith = plan(settings, with);
    ReplayPlan planWithout = plan(settings, without);

    assertThat(traceIds(planWith)).doesNotContain("outlier-0").hasSize(10);
    assertThat(planWith.getLayersList()).isEqualTo(planWithout.getLayersList());
    assertThat(traceIds(planWith)).containsExactlyInAnyOrderElementsOf(traceIds(planWithout));
    assertThat(planWith.getLayersCount()).isGreaterThan(1);

    // Without the score cut-off, top-k alone must keep it out, because it ranks last.
    RankingSettings topTen = settings.toBuilder().mergeScoreRatio(0).topK(10).build();
    assertThat(plan(topTen, with).getLayersList()).isEqualTo(planWithout.getLayersList());
    // And it would change the plan if it were merged: the test can fail.
    RankingSettings everything = settings.toBuilder().mergeScoreRatio(0).topK(11).build();
    assertThat(plan(everything, with).getLayersList()).isNotEqualTo(planWithout.getLayersList());
  }

  @Test
  void thePlanCoversTheCommonSequenceButNotTheNoise() throws Exception {
    Fixture f = new Fixture(32);
    RankingState state = RankingState.of(f.normals(10));
    List<PlannedChunk> chunks =
        new PlanMerger(RankingSettings.defaults())
            .consensus(state, state.profiles().stream().map(TraceProfile::traceId).toList());
    Set<Long> planned = new HashSet<>();
    for (PlannedChunk c : chunks) {
      planned.add(ChunkKeys.of(c.layerIndex(), c.compressedOffset()));
    }
    Set<Long> sequence = new HashSet<>();
    for (SyntheticImage.Chunk c : f.traces.sequence()) {
      sequence.add(c.key());
    }
    assertThat(sequence).containsAll(planned); // random additions (1 trace each) are filtered out
    assertThat(planned.size()).isGreaterThan((int) (sequence.size() * 0.95));
  }

  @Test
  void minSupportFiltersRareChunks() {
    RankingState state =
        Profiles.state(
            profile("a", read(0, 0, 10, 1), read(0, 100, 10, 2), read(0, 200, 10, 3)),
            profile("b", read(0, 0, 10, 1), read(0, 100, 10, 2)),
            profile("c", read(0, 0, 10, 1), read(0, 300, 10, 2)),
            profile("d", read(0, 0, 10, 1)));
    List<String> ids = List.of("a", "b", "c", "d");
    List<Long> half = offsets(new PlanMerger(SEPARATE).consensus(state, ids));
    assertThat(half).containsExactlyInAnyOrder(0L, 100L);
    RankingSettings quarter = SEPARATE.toBuilder().minSupport(0.25).build();
    assertThat(offsets(new PlanMerger(quarter).consensus(state, ids)))
        .containsExactlyInAnyOrder(0L, 100L, 200L, 300L);
    RankingSettings all = SEPARATE.toBuilder().minSupport(1.0).build();
    assertThat(offsets(new PlanMerger(all).consensus(state, ids))).containsExactly(0L);
  }

  private static List<Long> offsets(List<PlannedChunk> chunks) {
    return chunks.stream().map(PlannedChunk::compressedOffset).toList();
  }

  @Test
  void chunksAreOrderedByMedianFirstAccessWithThatNeededBy() {
    // chunk @0: 10, 20, 30 -> 20; chunk @100: 5, 100, 100 -> 100; chunk @200: 0, 50, 60 -> 50;
    // chunk @300 in two traces: 10, 40 -> 25 (mean of the middle two)
    RankingState state =
        Profiles.state(
            profile(
                "a",
                read(0, 0, 10, 10),
                read(0, 100, 10, 5),
                read(0, 200, 10, 0),
                read(0, 300, 10, 10)),
            profile(
                "b",
                read(0, 0, 10, 20),
                read(0, 100, 10, 100),
                read(0, 200, 10, 50),
                read(0, 300, 10, 40)),
            profile("c", read(0, 0, 10, 30), read(0, 100, 10, 100), read(0, 200, 10, 60)));
    List<PlannedChunk> chunks = new PlanMerger(SEPARATE).consensus(state, List.of("a", "b", "c"));
    assertThat(offsets(chunks)).containsExactly(0L, 300L, 200L, 100L);
    assertThat(chunks)
        .extracting(PlannedChunk::neededByMicros)
        .containsExactly(20L, 25L, 50L, 100L);
    assertThat(chunks.get(0).chunkDigests()).containsExactly(Profiles.chunkDigest(0, 0));

    RankingSettings early = SEPARATE.toBuilder().neededByQuantile(0.25).build();
    List<PlannedChunk> earlyChunks = new PlanMerger(early).consensus(state, List.of("a", "b", "c"));
    assertThat(offsets(earlyChunks)).containsExactly(0L, 300L, 200L, 100L); // order stays by median
    assertThat(earlyChunks)
        .extracting(PlannedChunk::neededByMicros)
        .containsExactly(15L, 17L, 25L, 52L);

    ReplayPlan plan = plan(SEPARATE, state);
    List<PlannedRange> ranges = plan.getLayers(0).getRangesList();
    assertThat(ranges)
        .extracting(PlannedRange::getCompressedOffset)
        .containsExactly(0L, 300L, 200L, 100L);
    assertThat(ranges)
        .extracting(PlannedRange::getNeededByMicros)
        .containsExactly(20L, 25L, 50L, 100L);
  }

  @Test
  void planCarriesIdentityDigestsAndProvenance() {
    RankingState state =
        Profiles.state(
            profile("a", read(0, 0, 10, 1), read(2, 0, 10, 1)),
            profile("b", read(0, 0, 10, 2), read(2, 0, 10, 1)));
    RankingSettings settings = SEPARATE.toBuilder().minSupport(0.5).build();
    ReplayPlan plan = plan(settings, state);
    assertThat(plan.getApp()).isEqualTo("app");
    assertThat(plan.getManifestDigest()).isEqualTo(Profiles.MANIFEST);
    assertThat(plan.getVersion()).isEqualTo(7);
    assertThat(plan.getCreatedUnixMicros()).isEqualTo(HEADER.createdUnixMicros());
    assertThat(plan.getLayersList()).extracting(LayerPlan::getLayerIndex).containsExactly(0, 2);
    assertThat(plan.getLayers(1).getLayerDigest()).isEqualTo(Profiles.LAYERS.get(2));
    assertThat(plan.getLayers(1).getRanges(0).getChunkDigestsList())
        .containsExactly(Profiles.chunkDigest(2, 0));
    assertThat(plan.getProvenance().getMinSupport()).isEqualTo(0.5);
    assertThat(plan.getProvenance().getCoverage()).isEqualTo(1.0);
    assertThat(plan.getProvenance().getSourceManifestDigest()).isEmpty();
    assertThat(plan.getProvenance().getTracesList()).hasSize(2);
    assertThat(plan.getProvenance().getTraces(0).getReasonsList()).isNotEmpty();
    assertThat(plan.getProvenance().getTraces(0).getScore())
        .isGreaterThanOrEqualTo(plan.getProvenance().getTraces(1).getScore());
  }

  @Test
  void selectTakesTopKAboveTheScoreRatio() throws Exception {
    Fixture f = new Fixture(33);
    List<TraceProfile> all = new ArrayList<>(f.normals(6));
    all.add(f.outlier(0));
    RankingState state = RankingState.of(all);
    TraceRanking ranking = new TraceRanker(RankingSettings.defaults()).rank(state, NOW);
    assertThat(new PlanMerger(RankingSettings.defaults()).select(ranking))
        .extracting(ScoredTrace::traceId)
        .containsExactlyElementsOf(ranking.traceIds().subList(0, 6));
    RankingSettings three = RankingSettings.builder().topK(3).build();
    assertThat(new PlanMerger(three).select(ranking))
        .extracting(ScoredTrace::traceId)
        .containsExactlyElementsOf(ranking.traceIds().subList(0, 3));
  }

  @Test
  void outputIsDeterministicWhateverTheInputOrder() throws Exception {
    Fixture f = new Fixture(34);
    List<TraceProfile> all = new ArrayList<>(f.normals(9));
    all.add(f.outlier(0));
    byte[] reference = plan(RankingSettings.defaults(), RankingState.of(all)).toByteArray();
    Random rnd = new Random(1);
    for (int round = 0; round < 5; round++) {
      List<TraceProfile> shuffled = new ArrayList<>(all);
      Collections.shuffle(shuffled, rnd);
      assertThat(plan(RankingSettings.defaults(), RankingState.of(shuffled)).toByteArray())
          .isEqualTo(reference);
    }
  }

  @Test
  void incrementalRecomputationEqualsFromScratch() throws Exception {
    Fixture f = new Fixture(35);
    List<TraceProfile> all = f.normals(9);
    RankingState cached = RankingState.of(all.subList(0, 8));
    ReplayPlan before = plan(RankingSettings.defaults(), cached);
    RankingState next = cached.plus(all.get(8)); // a trace arrives
    ReplayPlan incremental = plan(RankingSettings.defaults(), next);
    ReplayPlan fromScratch = plan(RankingSettings.defaults(), RankingState.of(all));
    assertThat(incremental).isEqualTo(fromScratch);
    assertThat(traceIds(incremental)).contains(all.get(8).traceId());
    assertThat(traceIds(before)).doesNotContain(all.get(8).traceId());
    TraceRanker ranker = new TraceRanker(RankingSettings.defaults());
    assertThat(ranker.rank(next, NOW)).isEqualTo(ranker.rank(RankingState.of(all), NOW));
  }

  @Test
  void refusesToMergeNothing() {
    PlanMerger merger = new PlanMerger(RankingSettings.defaults());
    assertThatThrownBy(
            () -> merger.merge(RankingState.empty(), new TraceRanking(List.of()), HEADER))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no traces to merge");
    RankingState state = Profiles.state(profile("a", read(0, 0, 10, 1)));
    assertThatThrownBy(() -> merger.consensus(state, List.of("zzz")))
        .hasMessageContaining("trace zzz");
  }
}
