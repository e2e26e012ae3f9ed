package dev.tracefetch.planner;

import dev.tracefetch.api.v1.LayerPlan;
import dev.tracefetch.api.v1.PlannedRange;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Packs planned chunks into the range requests of a plan. Fetching each small chunk on its own
 * would cost one request (and, on a slow link, one round trip) per chunk; fetching a whole layer
 * would fetch what the start never reads. Chunks of one layer are therefore merged, walking them by
 * offset, while the next chunk starts less than {@code gapThresholdBytes} after the current range
 * ends (adjacent or overlapping chunks always merge) and the merged range stays within {@code
 * maxRangeBytes}; a single chunk larger than that stays a range of its own. Ranges never span
 * layers (they are different blobs).
 *
 * <p>Each range is needed by the earliest {@code needed_by} of its chunks, and a layer's ranges are
 * listed in that order (ties by offset), which is the prefetch order. Layers are listed by index; a
 * replayer interleaves them by {@code needed_by}.
 */
public final class RangeCoalescer {
  private final long gapThresholdBytes;
  private final long maxRangeBytes;
  private final double maxGapOverhead;

  /**
   * @param maxGapOverhead gap bytes allowed per chunk byte in a range ({@code
   *     Double.POSITIVE_INFINITY} disables the rule)
   */
  public RangeCoalescer(long gapThresholdBytes, long maxRangeBytes, double maxGapOverhead) {
    if (gapThresholdBytes < 0) {
      throw new IllegalArgumentException("gapThresholdBytes is negative: " + gapThresholdBytes);
    }
    if (maxRangeBytes < 1) {
      throw new IllegalArgumentException("maxRangeBytes must be >= 1, got " + maxRangeBytes);
    }
    if (!(maxGapOverhead >= 0)) {
      throw new IllegalArgumentException("maxGapOverhead must be >= 0, got " + maxGapOverhead);
    }
    this.gapThresholdBytes = gapThresholdBytes;
    this.maxRangeBytes = maxRangeBytes;
    this.maxGapOverhead = maxGapOverhead;
  }

  public static RangeCoalescer of(RankingSettings settings) {
    return new RangeCoalescer(
        settings.gapThresholdBytes(), settings.maxRangeBytes(), settings.maxGapOverhead());
  }

  /**
   * Coalesces chunks of any layers into per-layer plans, ordered by layer index.
   *
   * @param layerDigests the image's layer digests in manifest order (an index beyond the list gets
   *     an empty digest)
   */
  public List<LayerPlan> coalesce(List<PlannedChunk> chunks, List<String> layerDigests) {
    Map<Integer, List<PlannedChunk>> byLayer = new TreeMap<>();
    for (PlannedChunk chunk : chunks) {
      byLayer.computeIfAbsent(chunk.layerIndex(), k -> new ArrayList<>()).add(chunk);
    }
    List<LayerPlan> layers = new ArrayList<>(byLayer.size());
    for (Map.Entry<Integer, List<PlannedChunk>> entry : byLayer.entrySet()) {
      int index = entry.getKey();
      layers.add(
          LayerPlan.newBuilder()
              .setLayerIndex(index)
              .setLayerDigest(index < layerDigests.size() ? layerDigests.get(index) : "")
              .addAllRanges(coalesceLayer(entry.getValue()))
              .build());
    }
    return layers;
  }

  /** Coalesces the chunks of one layer into ranges in prefetch order. */
  public List<PlannedRange> coalesceLayer(List<PlannedChunk> chunksOfOneLayer) {
    List<PlannedChunk> sorted = new ArrayList<>(chunksOfOneLayer);
    if (sorted.isEmpty()) {
      return List.of();
    }
    int layer = sorted.get(0).layerIndex();
    for (PlannedChunk chunk : sorted) {
      if (chunk.layerIndex() != layer) {
        throw new IllegalArgumentException(
            "chunks of layers " + layer + " and " + chunk.layerIndex() + " cannot be coalesced");
      }
    }
    sorted.sort(
        Comparator.comparingLong(PlannedChunk::compressedOffset)
            .thenComparingLong(PlannedChunk::compressedLength)
            .thenComparingLong(PlannedChunk::neededByMicros));
    List<PlannedRange> ranges = new ArrayList<>();
    PlannedChunk first = sorted.get(0);
    long start = first.compressedOffset();
    long end = first.end();
    long neededBy = first.neededByMicros();
    long gaps = 0;
    Set<String> digests = new LinkedHashSet<>(first.chunkDigests());
    for (int i = 1; i < sorted.size(); i++) {
      PlannedChunk next = sorted.get(i);
      long gap = next.compressedOffset() - end;
      long newEnd = Math.max(end, next.end());
      boolean overlaps = gap < 0;
      boolean near = gap == 0 || gap < gapThresholdBytes;
      boolean small = newEnd - start <= maxRangeBytes;
      boolean cheap = gaps + gap <= maxGapOverhead * (newEnd - start - gaps - gap);
      if (overlaps || (near && small && cheap)) {
        gaps += Math.max(0, gap);
        end = newEnd;
        neededBy = Math.min(neededBy, next.neededByMicros());
        digests.addAll(next.chunkDigests());
      } else {
        ranges.add(range(start, end, neededBy, digests));
        start = next.compressedOffset();
        end = next.end();
        gaps = 0;
        neededBy = next.neededByMicros();
        digests = new LinkedHashSet<>(next.chunkDigests());
      }
    }
    ranges.add(range(start, end, neededBy, digests));
    ranges.sort(
        Comparator.comparingLong(PlannedRange::getNeededByMicros)
            .thenComparingLong(PlannedRange::getCompressedOffset));
    return ranges;
  }

  private static PlannedRange range(long start, long end, long neededBy, Set<String> digests) {
    return PlannedRange.newBuilder()
        .setCompressedOffset(start)
        .setCompressedLength(end - start)
        .addAllChunkDigests(digests)
        .setNeededByMicros(neededBy)
        .build();
  }
}
