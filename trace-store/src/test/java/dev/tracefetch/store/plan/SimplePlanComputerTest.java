package dev.tracefetch.store.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracefetch.api.v1.PlannedRange;
import dev.tracefetch.store.support.TestTraces;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SimplePlanComputerTest {
  private static LoadedTrace loaded(int n, dev.tracefetch.api.v1.Trace trace) {
    return new LoadedTrace(new UUID(0, n), Instant.ofEpochSecond(n), trace);
  }

  @Test
  void ranksIncompleteStartsLastAndKeepsOnlyCommonChunks() {
    List<LoadedTrace> traces = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      traces.add(loaded(i, TestTraces.normal("web", TestTraces.IMAGE_A, i)));
    }
    traces.add(loaded(9, TestTraces.outlier("web", TestTraces.IMAGE_A, 9)));
    PlanComputation result =
        new SimplePlanComputer()
            .compute(new PlanInput("web", TestTraces.IMAGE_A, traces, Instant.now(), 10, 0.5));

    assertThat(result.ranking()).hasSize(5);
    assertThat(result.ranking().get(4).traceId()).isEqualTo(new UUID(0, 9));
    assertThat(result.ranking().get(4).reasons()).contains("never reached readiness");
    long plannedBytes =
        result.plan().getLayersList().stream()
            .flatMap(l -> l.getRangesList().stream())
            .mapToLong(PlannedRange::getCompressedLength)
            .sum();
    assertThat(plannedBytes).isEqualTo(10 * TestTraces.CHUNK);
  }

  @Test
  void onlyTopKTracesAreMerged() {
    List<LoadedTrace> traces = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      traces.add(loaded(i, TestTraces.normal("web", TestTraces.IMAGE_A, i)));
    }
    PlanComputation result =
        new SimplePlanComputer()
            .compute(new PlanInput("web", TestTraces.IMAGE_A, traces, Instant.now(), 2, 0.5));
    assertThat(result.ranking().stream().filter(TraceJudgement::inPlan).count()).isEqualTo(2);
    assertThat(result.plan().getProvenance().getTracesCount()).isEqualTo(2);
  }
}
