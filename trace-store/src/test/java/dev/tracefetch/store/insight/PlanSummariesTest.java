package dev.tracefetch.store.insight;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracefetch.api.v1.LayerDescriptor;
import dev.tracefetch.api.v1.LayerPlan;
import dev.tracefetch.api.v1.PlannedRange;
import dev.tracefetch.api.v1.Provenance;
import dev.tracefetch.api.v1.ReplayPlan;
import dev.tracefetch.api.v1.TraceScore;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanSummariesTest {
  private static final String L0 = "sha256:" + "0".repeat(64);
  private static final String L1 = "sha256:" + "1".repeat(64);

  private static PlannedRange range(long offset, long length, long neededBy, String... digests) {
    return PlannedRange.newBuilder()
        .setCompressedOffset(offset)
        .setCompressedLength(length)
        .setNeededByMicros(neededBy)
        .addAllChunkDigests(List.of(digests))
        .build();
  }

  private static ReplayPlan plan() {
    return ReplayPlan.newBuilder()
        .setApp("web")
        .setManifestDigest("sha256:" + "a".repeat(64))
        .setVersion(4)
        .setCreatedUnixMicros(1_700_000_000_000_000L)
        .addLayers(
            LayerPlan.newBuilder()
                .setLayerIndex(0)
                .setLayerDigest(L0)
                .addRanges(range(0, 300, 10, "c1", "c2", "c3"))
                .addRanges(range(1000, 100, 2_000, "c4")))
        .addLayers(
            LayerPlan.newBuilder()
                .setLayerIndex(1)
                .setLayerDigest(L1)
                // The same uncompressed chunk in another layer is another chunk to fetch.
                .addRanges(range(0, 600, 500, "c1", "c5")))
        .setProvenance(
            Provenance.newBuilder()
                .setMinSupport(0.5)
                .setCoverage(1.0)
                .addTraces(TraceScore.newBuilder().setTraceId("t1").setScore(0.9).addReasons("ok")))
        .build();
  }

  @Test
  void sumsBytesChunksAndRequestsAndSharesOfTheImage() {
    List<LayerDescriptor> layers =
        List.of(
            LayerDescriptor.newBuilder().setDigest(L0).setSize(4_000).build(),
            LayerDescriptor.newBuilder().setDigest(L1).setSize(6_000).build());

    PlanSummary summary = PlanSummaries.of(plan(), layers);

    assertThat(summary.version()).isEqualTo(4);
    assertThat(summary.bytes()).isEqualTo(1_000);
    assertThat(summary.requests()).isEqualTo(3);
    assertThat(summary.chunks()).isEqualTo(6);
    assertThat(summary.imageBytes()).isEqualTo(10_000);
    assertThat(summary.shareOfImage()).isEqualTo(0.1);
    assertThat(summary.coverage()).isEqualTo(1.0);
    assertThat(summary.minSupport()).isEqualTo(0.5);
    assertThat(summary.lastNeededByMicros()).isEqualTo(2_000);
    assertThat(summary.traces()).extracting(PlanSummary.MergedTrace::id).containsExactly("t1");
    PlanSummary.LayerPlanSummary first = summary.layers().get(0);
    assertThat(first.bytes()).isEqualTo(400);
    assertThat(first.requests()).isEqualTo(2);
    assertThat(first.chunks()).isEqualTo(4);
    assertThat(first.shareOfLayer()).isEqualTo(0.1);
    assertThat(first.firstNeededByMicros()).isEqualTo(10);
    assertThat(summary.layers().get(1).shareOfLayer()).isEqualTo(0.1);
  }

  @Test
  void unknownSizesAndChunksStayUnknown() {
    ReplayPlan plan =
        plan().toBuilder()
            .addLayers(
                LayerPlan.newBuilder()
                    .setLayerIndex(2)
                    .setLayerDigest("sha256:" + "2".repeat(64))
                    .addRanges(range(0, 50, 1)))
            .build();
    // The trace lists layer 1 with another digest: its size is not this plan's layer's size.
    List<LayerDescriptor> layers =
        List.of(
            LayerDescriptor.newBuilder().setDigest(L0).setSize(4_000).build(),
            LayerDescriptor.newBuilder().setDigest("sha256:" + "9".repeat(64)).setSize(6).build());

    PlanSummary summary = PlanSummaries.of(plan, layers);

    assertThat(summary.chunks()).isNull();
    assertThat(summary.layers().get(2).chunks()).isNull();
    assertThat(summary.layers().get(0).chunks()).isEqualTo(4);
    assertThat(summary.layers().get(1).size()).isNull();
    assertThat(summary.layers().get(1).shareOfLayer()).isNull();
    assertThat(summary.layers().get(2).size()).isNull();

    PlanSummary noTraces = PlanSummaries.of(plan(), List.of());
    assertThat(noTraces.imageBytes()).isNull();
    assertThat(noTraces.shareOfImage()).isNull();
  }
}
