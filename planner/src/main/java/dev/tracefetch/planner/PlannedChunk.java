package dev.tracefetch.planner;

import java.util.List;
import java.util.Objects;

/**
 * One chunk a plan will fetch, before coalescing: where it is, what it should hash to, and when the
 * start needs it. The unit that {@link PlanMerger} produces, {@link PlanMapper} moves between
 * images and {@link RangeCoalescer} packs into range requests.
 *
 * @param chunkDigests the uncompressed chunk digest(s) inside, in offset order (usually one; none
 *     when unknown; several when an exact range of another plan is carried over whole)
 */
public record PlannedChunk(
    int layerIndex,
    long compressedOffset,
    long compressedLength,
    List<String> chunkDigests,
    long neededByMicros) {

  public PlannedChunk {
    if (layerIndex < 0) {
      throw new IllegalArgumentException("layerIndex is negative: " + layerIndex);
    }
    if (compressedOffset < 0) {
      throw new IllegalArgumentException("compressedOffset is negative: " + compressedOffset);
    }
    if (compressedLength <= 0) {
      throw new IllegalArgumentException(
          "compressedLength must be positive, got " + compressedLength);
    }
    if (neededByMicros < 0) {
      throw new IllegalArgumentException("neededByMicros is negative: " + neededByMicros);
    }
    chunkDigests = List.copyOf(Objects.requireNonNull(chunkDigests, "chunkDigests"));
  }

  public long end() {
    return compressedOffset + compressedLength;
  }
}
