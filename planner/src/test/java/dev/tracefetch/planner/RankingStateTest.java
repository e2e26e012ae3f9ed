package dev.tracefetch.planner;

import static dev.tracefetch.planner.Profiles.profile;
import static dev.tracefetch.planner.Profiles.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RankingStateTest {

  @Test
  void catalogCountsSupportAndKeepsLengthsAndDigests() {
    RankingState state =
        Profiles.state(
            profile("a", read(0, 0, 10, 1), read(1, 50, 20, 2)),
            profile("b", read(0, 0, 10, 5)),
            profile("c", read(2, 7, 30, 5), read(0, 0, 10, 9)));
    ChunkCatalog catalog = state.catalog();
    assertThat(catalog.size()).isEqualTo(3);
    int shared = catalog.indexOf(ChunkKeys.of(0, 0));
    assertThat(catalog.support(shared)).isEqualTo(3);
    assertThat(catalog.compressedLength(shared)).isEqualTo(10);
    assertThat(catalog.chunkDigest(shared)).isEqualTo(Profiles.chunkDigest(0, 0));
    assertThat(catalog.support(catalog.indexOf(ChunkKeys.of(2, 7)))).isEqualTo(1);
    assertThat(state.size()).isEqualTo(3);
    assertThat(state.app()).isEqualTo("app");
    assertThat(state.manifestDigest()).isEqualTo(Profiles.MANIFEST);
    assertThat(state.profiles()).extracting(TraceProfile::traceId).containsExactly("a", "b", "c");
    assertThat(state.profile("b")).get().matches(p -> !p.hasChunkDigests());
  }

  @Test
  void approximateBytesCountsEveryChunkOfEveryTraceAndTheCatalog() throws Exception {
    Fixture f = new Fixture(13);
    List<TraceProfile> normals = f.normals(6);
    RankingState state = RankingState.of(normals.subList(0, 3));
    long chunks = 0;
    for (TraceProfile p : normals.subList(0, 3)) {
      chunks += p.chunkCount();
    }
    long bytes = state.approximateBytes();
    // 20 bytes per chunk of each trace, at least 32 more per catalog entry
    assertThat(bytes).isGreaterThanOrEqualTo(20 * chunks + 32L * state.catalog().size());

    RankingState larger = state.plus(normals.get(3)).plus(normals.get(4));
    assertThat(larger.approximateBytes() - bytes)
        .isGreaterThanOrEqualTo(20L * (normals.get(3).chunkCount() + normals.get(4).chunkCount()));
    assertThat(RankingState.empty().approximateBytes()).isLessThan(1024);
  }

  @Test
  void incrementalEqualsFromScratchInAnyOrder() throws Exception {
    Fixture f = new Fixture(11);
    List<TraceProfile> all = new ArrayList<>(f.normals(12));
    all.add(f.outlier(0));
    RankingState fromScratch = RankingState.of(all);

    RankingState incremental = RankingState.empty();
    List<TraceProfile> shuffled = new ArrayList<>(all);
    Collections.shuffle(shuffled, new Random(5));
    for (TraceProfile p : shuffled) {
      incremental = incremental.plus(p);
    }
    assertThat(incremental).isEqualTo(fromScratch);
    assertThat(incremental.catalog()).isEqualTo(fromScratch.catalog());
  }

  @Test
  void minusUndoesPlus() throws Exception {
    Fixture f = new Fixture(12);
    List<TraceProfile> normals = f.normals(8);
    RankingState without = RankingState.of(normals);
    RankingState with = without.plus(f.outlier(1));
    assertThat(with.catalog().size()).isGreaterThan(without.catalog().size());
    RankingState removed = with.minus("outlier-1");
    assertThat(removed).isEqualTo(without);
    // Chunk ids were renumbered: ranking and merging must see the same chunks as from scratch.
    java.time.Instant now = java.time.Instant.ofEpochSecond(Profiles.NOW / 1_000_000);
    TraceRanker ranker = new TraceRanker(RankingSettings.defaults());
    assertThat(ranker.rank(removed, now)).isEqualTo(ranker.rank(without, now));
    PlanMerger merger = new PlanMerger(RankingSettings.defaults());
    assertThat(merger.consensus(removed, ranker.rank(removed, now).traceIds()))
        .isEqualTo(merger.consensus(without, ranker.rank(without, now).traceIds()));
    assertThat(with.minus("no-such-trace")).isSameAs(with);
    RankingState empty = RankingState.of(List.of(normals.get(0))).minus(normals.get(0).traceId());
    assertThat(empty).isEqualTo(RankingState.empty());
    assertThat(empty.catalog().size()).isZero();
  }

  @Test
  void plusReplacesATraceWithTheSameId() {
    RankingState state =
        Profiles.state(profile("a", read(0, 0, 10, 1)), profile("b", read(0, 0, 10, 2)));
    RankingState replaced;
    try {
      replaced = state.plus(profile("a", read(1, 0, 10, 1)));
    } catch (InconsistentTraceException e) {
      throw new AssertionError(e);
    }
    assertThat(replaced.size()).isEqualTo(2);
    assertThat(replaced.catalog().support(replaced.catalog().indexOf(ChunkKeys.of(0, 0))))
        .isEqualTo(1);
    assertThat(replaced.catalog().indexOf(ChunkKeys.of(1, 0))).isNotNegative();
  }

  @Test
  void refusesTracesOfAnotherImageOrApp() throws Exception {
    RankingState state = Profiles.state(profile("a", read(0, 0, 10, 1)));
    TraceProfile otherImage =
        TraceProfile.create(
            "b",
            "app",
            "sha256:" + "f".repeat(64),
            Profiles.LAYERS,
            Profiles.goodFacts(),
            new long[0],
            new int[0],
            new int[0],
            null);
    assertThatThrownBy(() -> state.plus(otherImage))
        .isInstanceOf(InconsistentTraceException.class)
        .hasMessageContaining("trace b")
        .hasMessageContaining("sha256:ffff");
    TraceProfile otherApp =
        TraceProfile.create(
            "c",
            "other",
            Profiles.MANIFEST,
            Profiles.LAYERS,
            Profiles.goodFacts(),
            new long[0],
            new int[0],
            new int[0],
            null);
    assertThatThrownBy(() -> state.plus(otherApp))
        .isInstanceOf(InconsistentTraceException.class)
        .hasMessageContaining("app 'other'");
  }

  @Test
  void refusesATraceThatDisagreesAboutAChunk() {
    RankingState state = Profiles.state(profile("a", read(0, 100, 10, 1)));
    assertThatThrownBy(() -> state.plus(profile("b", read(0, 100, 11, 1))))
        .isInstanceOf(InconsistentTraceException.class)
        .hasMessageContaining("trace b")
        .hasMessageContaining("layer 0 offset 100")
        .hasMessageContaining("compressed length 11");
  }
}
