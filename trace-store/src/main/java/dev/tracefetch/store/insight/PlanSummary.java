package dev.tracefetch.store.insight;

import java.time.Instant;
import java.util.List;

/**
 * What following the current replay plan of an image costs and covers: the figures an operator
 * weighs before trusting it.
 *
 * @param bytes compressed bytes the plan prefetches (sum of its ranges)
 * @param chunks distinct chunks inside those ranges; null when the plan does not name them
 * @param requests range requests after coalescing (one per planned range)
 * @param imageBytes compressed size of the whole image; null when unknown
 * @param shareOfImage {@code bytes / imageBytes}; null when the image size is unknown
 * @param coverage share of plan bytes mapped onto this image (1.0 when recorded on it)
 * @param minSupport fraction of the merged traces a chunk had to appear in
 * @param sourceManifestDigest the image the traces were recorded on, when it is another one
 * @param lastNeededByMicros the latest "needed by" time of any range
 * @param traces the traces merged into the plan, best first
 */
public record PlanSummary(
    String app,
    String manifestDigest,
    long version,
    Instant createdAt,
    long bytes,
    Long chunks,
    int requests,
    Long imageBytes,
    Double shareOfImage,
    double coverage,
    double minSupport,
    String sourceManifestDigest,
    long lastNeededByMicros,
    List<MergedTrace> traces,
    List<LayerPlanSummary> layers) {

  public PlanSummary {
    traces = List.copyOf(traces);
    layers = List.copyOf(layers);
  }

  /** A trace the plan was merged from, with the score that got it there. */
  public record MergedTrace(String id, double score, List<String> reasons) {
    public MergedTrace {
      reasons = List.copyOf(reasons);
    }
  }

  /**
   * The plan's part of one layer.
   *
   * @param size compressed layer size; null when unknown
   * @param shareOfLayer {@code bytes / size}; null when the size is unknown
   * @param firstNeededByMicros earliest "needed by" of the layer's ranges
   */
  public record LayerPlanSummary(
      int index,
      String digest,
      Long size,
      long bytes,
      Long chunks,
      int requests,
      Double shareOfLayer,
      long firstNeededByMicros) {}
}
