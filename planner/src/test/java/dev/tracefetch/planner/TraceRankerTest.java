package dev.tracefetch.planner;

import static dev.tracefetch.planner.Profiles.profile;
import static dev.tracefetch.planner.Profiles.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TraceRankerTest {
  private static final Instant NOW = Instant.ofEpochSecond(SyntheticTraces.NOW_MICROS / 1_000_000);
  private final TraceRanker ranker = new TraceRanker(RankingSettings.defaults());

  @Test
  void plantedOutliersRankLast() throws Exception {
    Fixture f = new Fixture(21);
    List<TraceProfile> all = new ArrayList<>(f.normals(15));
    all.add(f.outlier(0));
    all.add(f.outlier(1));
    TraceRanking ranking = ranker.rank(RankingState.of(all), NOW);

    assertThat(ranking.size()).isEqualTo(17);
    assertThat(ranking.traceIds().subList(15, 17))
        .containsExactlyInAnyOrder("outlier-0", "outlier-1");
    ScoredTrace worstNormal = ranking.traces().get(14);
    ScoredTrace bestOutlier = ranking.traces().get(15);
    assertThat(bestOutlier.components().agreement())
        .isLessThan(worstNormal.components().agreement() / 2);
    for (ScoredTrace t : ranking.traces()) {
      assertThat(t.score()).isBetween(0.0, 1.0);
    }
  }

  @Test
  void anOutlierThatMissedMostCommonChunksRanksLast() {
    List<TraceProfile> all = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      all.add(
          profile(
              "n" + i,
              read(0, 0, 1000, 10 + i),
              read(0, 2000, 1000, 20),
              read(1, 0, 1000, 30),
              read(1, 5000, 1000, 40 + i),
              read(2, 0, 1000, 50)));
    }
    // Same size as the others, but reads only one of the common chunks.
    all.add(
        profile(
            "missing",
            read(0, 0, 1000, 10),
            read(2, 9000, 1000, 20),
            read(2, 19000, 1000, 30),
            read(2, 29000, 1000, 40),
            read(2, 39000, 1000, 50)));
    TraceRanking ranking = ranker.rank(Profiles.state(all.toArray(TraceProfile[]::new)), NOW);
    assertThat(ranking.traceIds().get(6)).isEqualTo("missing");
    assertThat(ranking.find("missing").orElseThrow().components().size()).isEqualTo(1.0);
    // n0 vs the mean of 5 identical peers and "missing": (1000 + 4 * 5/6 * 1000) / (5000 + 4 *
    // 1000/6)
    assertThat(ranking.find("n0").orElseThrow().components().agreement())
        .isCloseTo((1000 + 4 * 5000 / 6.0) / (5000 + 4000 / 6.0), within(1e-3));
    assertThat(ranking.find("missing").orElseThrow().components().agreement()).isLessThan(0.3);
  }

  @Test
  void reasonsExplainEveryComponent() throws Exception {
    Fixture f = new Fixture(22);
    List<TraceProfile> all = new ArrayList<>(f.normals(12));
    all.add(f.outlier(0));
    TraceRanking ranking = ranker.rank(RankingState.of(all), NOW);
    for (ScoredTrace t : ranking.traces()) {
      assertThat(t.reasons()).anyMatch(r -> r.matches("readiness reached via http in 3\\.0 s"));
      assertThat(t.reasons()).contains("no dropped events");
      assertThat(t.reasons())
          .anyMatch(r -> r.matches("agreement [01]\\.\\d\\d \\(weighted Jaccard vs 12 peers\\)"));
      assertThat(t.reasons())
          .anyMatch(r -> r.matches("size \\d+\\.\\d (KiB|MiB) vs median \\d+\\.\\d (KiB|MiB).*"));
      assertThat(t.reasons())
          .anyMatch(r -> r.matches("age \\d+ (s|min|h|d) \\(decay [01]\\.\\d\\d\\)"));
      assertThat(t.toTraceScore().getReasonsList()).isEqualTo(t.reasons());
      assertThat(t.toTraceScore().getScore()).isEqualTo(t.score());
    }
    ScoredTrace outlier = ranking.find("outlier-0").orElseThrow();
    assertThat(outlier.reasons()).anyMatch(r -> r.contains("size score"));
  }

  @Test
  void completenessPenalisesMissedReadinessDroppedEventsAndIncompleteRecordings() {
    Profiles.Read[] reads = {read(0, 0, 1000, 10), read(1, 0, 1000, 20)};
    TraceFacts good = Profiles.goodFacts();
    TraceFacts dropped =
        new TraceFacts("http", true, 1_200_000, 3, false, good.recordedUnixMicros(), 1000);
    TraceFacts manyDropped =
        new TraceFacts("http", true, 1_200_000, 30, false, good.recordedUnixMicros(), 1000);
    TraceFacts missed =
        new TraceFacts("timeout", false, 0, 0, false, good.recordedUnixMicros(), 1000);
    TraceFacts incomplete =
        new TraceFacts("http", true, 1_200_000, 0, true, good.recordedUnixMicros(), 1000);
    RankingState state =
        Profiles.state(
            profile("good", good, reads),
            profile("dropped", dropped, reads),
            profile("many-dropped", manyDropped, reads),
            profile("missed", missed, reads),
            profile("incomplete", incomplete, reads));
    TraceRanking ranking = ranker.rank(state, NOW);
    assertThat(ranking.traceIds())
        .containsExactly("good", "dropped", "many-dropped", "incomplete", "missed");
    assertThat(ranking.find("dropped").orElseThrow().reasons()).contains("3 dropped events");
    assertThat(ranking.find("missed").orElseThrow().reasons())
        .contains("readiness not reached (timeout)");
    assertThat(ranking.find("incomplete").orElseThrow().reasons())
        .contains("recording incomplete (stopped early)");
    assertThat(ranking.find("good").orElseThrow().components().completeness()).isEqualTo(1.0);
    assertThat(ranking.find("missed").orElseThrow().components().completeness())
        .isCloseTo(0.3, within(1e-9));
    assertThat(ranking.find("incomplete").orElseThrow().components().completeness())
        .isCloseTo(0.5, within(1e-9));
    // 30 of 1030 events dropped: 1 / (1 + (30/1030) / 0.05)
    assertThat(ranking.find("many-dropped").orElseThrow().components().completeness())
        .isCloseTo(1 / (1 + (30.0 / 1030) / 0.05), within(1e-9));
  }

  @Test
  void sizeFarFromTheMedianIsPenalised() {
    RankingState state =
        Profiles.state(
            profile("a", read(0, 0, 4000, 10), read(0, 5000, 4000, 20)),
            profile("b", read(0, 0, 4000, 10), read(0, 5000, 4000, 20)),
            profile("c", read(0, 0, 4000, 10), read(0, 5000, 4000, 20)),
            profile("big", read(0, 0, 4000, 10), read(0, 5000, 4000, 20), read(1, 0, 24000, 30)));
    TraceRanking ranking = ranker.rank(state, NOW);
    ScoredTrace big = ranking.find("big").orElseThrow();
    // 32000 / 8000 = 4x: log2 4 = 2 factors of two, minus log2(1.5) tolerated
    assertThat(big.components().size())
        .isCloseTo(Math.pow(2, -(2 - Math.log(1.5) / Math.log(2))), within(1e-9));
    assertThat(ranking.find("a").orElseThrow().components().size()).isEqualTo(1.0);
    assertThat(big.reasons()).contains("size 31.3 KiB vs median 7.8 KiB (4.00x, size score 0.38)");
    assertThat(ranking.traceIds().get(3)).isEqualTo("big");
  }

  @Test
  void recencyDecaysWithTheHalfLife() {
    long day = 86_400_000_000L;
    Profiles.Read r = read(0, 0, 1000, 10);
    TraceFacts fresh = new TraceFacts("http", true, 1, 0, false, Profiles.NOW, 10);
    TraceFacts old = new TraceFacts("http", true, 1, 0, false, Profiles.NOW - 30 * day, 10);
    TraceFacts unknown = new TraceFacts("http", true, 1, 0, false, 0, 10);
    RankingState state =
        Profiles.state(
            profile("fresh", fresh, r), profile("old", old, r), profile("unknown", unknown, r));
    TraceRanking ranking = ranker.rank(state, NOW);
    assertThat(ranking.find("fresh").orElseThrow().components().recency()).isEqualTo(1.0);
    assertThat(ranking.find("old").orElseThrow().components().recency())
        .isCloseTo(0.5, within(1e-9));
    assertThat(ranking.find("old").orElseThrow().reasons()).contains("age 30 d (decay 0.50)");
    assertThat(ranking.find("unknown").orElseThrow().reasons()).contains("age unknown (no decay)");
    assertThat(ranking.traceIds().get(2)).isEqualTo("old");

    TraceRanker slow =
        new TraceRanker(RankingSettings.builder().recencyHalfLife(Duration.ofDays(60)).build());
    assertThat(slow.rank(state, NOW).find("old").orElseThrow().components().recency())
        .isCloseTo(Math.pow(2, -0.5), within(1e-9));
  }

  @Test
  void agreementMatchesTheLeaveOneOutCentroidDefinition() {
    // a reads X (len 100 at t=0) and Y (len 300 at t=H); b reads X at t=0; c reads Y at t=0.
    long h = RankingSettings.defaults().accessHalfWeightMicros();
    RankingState state =
        Profiles.state(
            profile("a", read(0, 0, 100, 0), read(0, 1000, 300, (int) h)),
            profile("b", read(0, 0, 100, 0)),
            profile("c", read(0, 1000, 300, 0)));
    double xa = 100.0;
    double ya = 300 * 0.5;
    // peers of a: mean of b and c = X: 50, Y: 150
    double expected =
        (Math.min(xa, 50) + Math.min(ya, 150)) / (Math.max(xa, 50) + Math.max(ya, 150));
    TraceRanking ranking = ranker.rank(state, NOW);
    assertThat(ranking.find("a").orElseThrow().components().agreement())
        .isCloseTo(expected, within(1e-4));
    // b vs mean of a, c: X 50, Y (150 + 300) / 2 = 225
    assertThat(ranking.find("b").orElseThrow().components().agreement())
        .isCloseTo(50.0 / (100 + 225), within(1e-4));
  }

  @Test
  void aSingleTraceAgreesWithItself() {
    TraceRanking ranking = ranker.rank(Profiles.state(profile("only", read(0, 0, 10, 0))), NOW);
    ScoredTrace only = ranking.traces().get(0);
    assertThat(only.components().agreement()).isEqualTo(1.0);
    assertThat(only.reasons()).contains("agreement 1.00 (no peers to compare with)");
    assertThat(ranker.rank(RankingState.empty(), NOW).isEmpty()).isTrue();
  }

  @Test
  void threadsDoNotChangeTheRanking() throws Exception {
    SyntheticImage image = SyntheticImage.generate(61, 3, 3000);
    SyntheticTraces traces =
        new SyntheticTraces(
            image, new SyntheticTraces.Shape(3000, 3000, 3_000_000, 0.1, 0.03, 0.02), 62);
    RankingState state = RankingState.empty();
    for (int i = 0; i < 150; i++) {
      state =
          state.plus(TraceProfile.of("t" + i, i == 7 ? traces.outlier(i) : traces.normal(i), 0));
    }
    assertThat(TraceRanker.parts(state, 4)).hasSizeGreaterThan(2); // really split
    assertThat(TraceRanker.parts(state, 1)).containsExactly(0, 150);
    int[] bounds = TraceRanker.parts(state, 3);
    assertThat(bounds).startsWith(0).endsWith(150).isSorted();
    TraceRanking one =
        new TraceRanker(RankingSettings.builder().parallelism(1).build()).rank(state, NOW);
    TraceRanking four =
        new TraceRanker(RankingSettings.builder().parallelism(4).build()).rank(state, NOW);
    assertThat(four).isEqualTo(one);
    assertThat(one.traceIds().get(149)).isEqualTo("t7");
  }

  @Test
  void rankingIsDeterministicAndTiesBreakByTraceId() {
    Profiles.Read r = read(0, 0, 1000, 10);
    RankingState state = Profiles.state(profile("b", r), profile("c", r), profile("a", r));
    TraceRanking first = ranker.rank(state, NOW);
    assertThat(first.traceIds()).containsExactly("a", "b", "c");
    assertThat(ranker.rank(state, NOW)).isEqualTo(first);
  }
}
