package dev.tracefetch.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracefetch.api.v1.LayerPlan;
import dev.tracefetch.api.v1.PlannedRange;
import java.util.List;
import org.junit.jupiter.api.Test;

class RangeCoalescerTest {
  private static final long KIB = 1024;
  private static final long MIB = 1024 * KIB;
  private static final double ANY_GAPS = Double.POSITIVE_INFINITY;

  private static PlannedChunk chunk(int layer, long offset, long length, long neededBy) {
    return new PlannedChunk(layer, offset, length, List.of("d" + layer + "@" + offset), neededBy);
  }

  private static List<long[]> spans(List<PlannedRange> ranges) {
    return ranges.stream()
        .map(r -> new long[] {r.getCompressedOffset(), r.getCompressedLength()})
        .toList();
  }

  @Test
  void adjacentChunksMergeEvenWithoutAGapAllowance() {
    RangeCoalescer noGaps = new RangeCoalescer(0, 8 * MIB, ANY_GAPS);
    List<PlannedRange> ranges =
        noGaps.coalesceLayer(
            List.of(chunk(0, 100, 50, 5), chunk(0, 150, 50, 3), chunk(0, 201, 10, 1)));
    assertThat(spans(ranges)).containsExactly(new long[] {201, 10}, new long[] {100, 100});
    assertThat(ranges.get(1).getNeededByMicros()).isEqualTo(3);
    assertThat(ranges.get(1).getChunkDigestsList()).containsExactly("d0@100", "d0@150");
  }

  @Test
  void gapsBelowTheThresholdMergeAndGapsAtItDoNot() {
    RangeCoalescer coalescer = new RangeCoalescer(64 * KIB, 8 * MIB, ANY_GAPS);
    long end = 1000 + 4 * KIB;
    List<PlannedRange> ranges =
        coalescer.coalesceLayer(
            List.of(
                chunk(0, 1000, 4 * KIB, 10),
                chunk(0, end + 64 * KIB - 1, 4 * KIB, 20), // gap just under 64 KiB: merges
                chunk(0, end + 64 * KIB - 1 + 4 * KIB + 64 * KIB, KIB, 30))); // gap of 64 KiB
    assertThat(spans(ranges))
        .containsExactly(
            new long[] {1000, 4 * KIB + 64 * KIB - 1 + 4 * KIB},
            new long[] {end + 64 * KIB - 1 + 4 * KIB + 64 * KIB, KIB});
  }

  @Test
  void rangesStayWithinTheMaximumRequestSize() {
    RangeCoalescer coalescer = new RangeCoalescer(64 * KIB, 8 * MIB, ANY_GAPS);
    List<PlannedRange> ranges =
        coalescer.coalesceLayer(
            List.of(
                chunk(0, 0, 3 * MIB, 1),
                chunk(0, 3 * MIB, 3 * MIB, 2),
                chunk(0, 6 * MIB, 3 * MIB, 3),
                chunk(0, 9 * MIB + 10, 20 * MIB, 4))); // larger than the maximum on its own
    assertThat(spans(ranges))
        .containsExactly(
            new long[] {0, 6 * MIB},
            new long[] {6 * MIB, 3 * MIB},
            new long[] {9 * MIB + 10, 20 * MIB});
    for (PlannedRange r : ranges.subList(0, 2)) {
      assertThat(r.getCompressedLength()).isLessThanOrEqualTo(8 * MIB);
    }
  }

  @Test
  void layerBoundariesAreNeverMerged() {
    RangeCoalescer coalescer = new RangeCoalescer(64 * KIB, 8 * MIB, ANY_GAPS);
    List<LayerPlan> layers =
        coalescer.coalesce(
            List.of(chunk(1, 0, 100, 5), chunk(0, 900, 100, 1), chunk(0, 1000, 100, 2)),
            List.of("sha256:l0", "sha256:l1"));
    assertThat(layers).extracting(LayerPlan::getLayerIndex).containsExactly(0, 1);
    assertThat(layers)
        .extracting(LayerPlan::getLayerDigest)
        .containsExactly("sha256:l0", "sha256:l1");
    assertThat(spans(layers.get(0).getRangesList())).containsExactly(new long[] {900, 200});
    assertThat(spans(layers.get(1).getRangesList())).containsExactly(new long[] {0, 100});
    assertThatThrownBy(() -> coalescer.coalesceLayer(List.of(chunk(0, 0, 1, 0), chunk(1, 1, 1, 0))))
        .hasMessageContaining("layers 0 and 1");
  }

  @Test
  void rangesAreInPrefetchOrderOfTheirEarliestNeededBy() {
    RangeCoalescer coalescer = new RangeCoalescer(10, 8 * MIB, ANY_GAPS);
    List<PlannedRange> ranges =
        coalescer.coalesceLayer(
            List.of(
                chunk(0, 0, 100, 900),
                chunk(0, 100, 100, 50), // merges with the first: range needed by 50
                chunk(0, 5000, 100, 70),
                chunk(0, 9000, 100, 10),
                chunk(0, 7000, 100, 70)));
    assertThat(ranges)
        .extracting(PlannedRange::getCompressedOffset)
        .containsExactly(9000L, 0L, 5000L, 7000L);
    assertThat(ranges)
        .extracting(PlannedRange::getNeededByMicros)
        .containsExactly(10L, 50L, 70L, 70L);
  }

  @Test
  void gapBytesStayWithinTheOverheadBound() {
    RangeCoalescer coalescer = new RangeCoalescer(64 * KIB, 8 * MIB, 0.1);
    List<PlannedRange> ranges =
        coalescer.coalesceLayer(
            List.of(
                chunk(0, 0, 10_000, 1),
                chunk(0, 10_500, 10_000, 2), // gap 500: 500 / 20000 <= 0.1, merges
                chunk(0, 21_500, 10_000, 3), // gap 1000: 1500 / 30000 <= 0.1, merges
                chunk(0, 34_500, 1_000, 4), // gap 3000: 4500 / 31000 > 0.1, new range
                chunk(0, 35_500, 1_000, 5))); // adjacent: merges
    assertThat(spans(ranges)).containsExactly(new long[] {0, 31_500}, new long[] {34_500, 2_000});
    long chunkBytes = 32_000;
    long planned = ranges.stream().mapToLong(PlannedRange::getCompressedLength).sum();
    assertThat(planned).isLessThanOrEqualTo((long) (chunkBytes * 1.1));
    assertThatThrownBy(() -> new RangeCoalescer(0, 1, -0.5)).hasMessageContaining("maxGapOverhead");
  }

  @Test
  void overlappingChunksAreFetchedOnce() {
    RangeCoalescer coalescer = new RangeCoalescer(0, 100, ANY_GAPS);
    List<PlannedRange> ranges =
        coalescer.coalesceLayer(
            List.of(
                new PlannedChunk(0, 0, 80, List.of("a", "b"), 3),
                new PlannedChunk(0, 40, 80, List.of("b", "c"), 1)));
    assertThat(spans(ranges)).containsExactly(new long[] {0, 120});
    assertThat(ranges.get(0).getChunkDigestsList()).containsExactly("a", "b", "c");
  }
}
