package dev.tracefetch.planner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracefetch.api.v1.ReplayPlan;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImagePlannerTest {
  private static final Instant NOW = Instant.ofEpochSecond(SyntheticTraces.NOW_MICROS / 1_000_000);

  @Test
  void ranksAndMergesInOneCall() throws Exception {
    Fixture f = new Fixture(51);
    List<TraceProfile> all = new ArrayList<>(f.normals(6));
    all.add(f.outlier(0));
    RankingState state = RankingState.of(all);
    ImagePlanner planner = new ImagePlanner(RankingSettings.defaults());
    PlanResult result = planner.plan(state, NOW, new PlanHeader(4, 99));

    assertThat(result.ranking().size()).isEqualTo(7);
    assertThat(result.merged()).hasSize(6);
    assertThat(result.inPlan("outlier-0")).isFalse();
    assertThat(result.inPlan(f.normal(0).traceId())).isTrue();
    ReplayPlan expected =
        new PlanMerger(RankingSettings.defaults())
            .merge(
                state,
                new TraceRanker(RankingSettings.defaults()).rank(state, NOW),
                new PlanHeader(4, 99));
    assertThat(result.plan()).isEqualTo(expected);
  }

  @Test
  void anEmptyStateGivesAnEmptyPlan() {
    PlanResult result =
        new ImagePlanner(RankingSettings.defaults())
            .plan(RankingState.empty(), NOW, new PlanHeader(2, 5));
    assertThat(result.ranking().isEmpty()).isTrue();
    assertThat(result.merged()).isEmpty();
    assertThat(result.plan().getLayersCount()).isZero();
    assertThat(result.plan().getVersion()).isEqualTo(2);
    assertThat(result.plan().getProvenance().getTracesCount()).isZero();
  }
}
