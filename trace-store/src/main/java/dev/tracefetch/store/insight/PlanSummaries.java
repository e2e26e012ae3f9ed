package dev.tracefetch.store.insight;

import dev.tracefetch.api.v1.LayerDescriptor;
import dev.tracefetch.api.v1.LayerPlan;
import dev.tracefetch.api.v1.PlannedRange;
import dev.tracefetch.api.v1.ReplayPlan;
import dev.tracefetch.api.v1.TraceScore;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Builds the {@link PlanSummary} of a replay plan. */
public final class PlanSummaries {
  private PlanSummaries() {}

  /**
   * @param imageLayers the layers of the plan's image in manifest order, as a trace of that image
   *     lists them; empty when no trace says (sizes are then unknown)
   */
  public static PlanSummary of(ReplayPlan plan, List<LayerDescriptor> imageLayers) {
    long bytes = 0;
    int requests = 0;
    long lastNeededBy = 0;
    Set<String> allDigests = new HashSet<>();
    boolean chunksKnown = true;
    List<PlanSummary.LayerPlanSummary> layers = new ArrayList<>();
    for (LayerPlan layer : plan.getLayersList()) {
      long layerBytes = 0;
      long firstNeededBy = Long.MAX_VALUE;
      Set<String> layerDigests = new HashSet<>();
      boolean layerChunksKnown = true;
      for (PlannedRange range : layer.getRangesList()) {
        layerBytes += range.getCompressedLength();
        firstNeededBy = Math.min(firstNeededBy, range.getNeededByMicros());
        lastNeededBy = Math.max(lastNeededBy, range.getNeededByMicros());
        if (range.getChunkDigestsCount() == 0) {
          layerChunksKnown = false;
        }
        layerDigests.addAll(range.getChunkDigestsList());
      }
      Long size = layerSize(imageLayers, layer);
      layers.add(
          new PlanSummary.LayerPlanSummary(
              layer.getLayerIndex(),
              layer.getLayerDigest(),
              size,
              layerBytes,
              layerChunksKnown ? (long) layerDigests.size() : null,
              layer.getRangesCount(),
              size == null ? null : (double) layerBytes / size,
              layer.getRangesCount() == 0 ? 0 : firstNeededBy));
      bytes += layerBytes;
      requests += layer.getRangesCount();
      chunksKnown &= layerChunksKnown;
      // Chunk digests are of uncompressed content: the same digest in two layers is two chunks.
      for (String digest : layerDigests) {
        allDigests.add(layer.getLayerIndex() + "/" + digest);
      }
    }
    Long imageBytes = imageBytes(imageLayers);
    List<PlanSummary.MergedTrace> traces = new ArrayList<>();
    for (TraceScore score : plan.getProvenance().getTracesList()) {
      traces.add(
          new PlanSummary.MergedTrace(
              score.getTraceId(), score.getScore(), score.getReasonsList()));
    }
    return new PlanSummary(
        plan.getApp(),
        plan.getManifestDigest(),
        plan.getVersion(),
        Instant.EPOCH.plus(plan.getCreatedUnixMicros(), ChronoUnit.MICROS),
        bytes,
        chunksKnown ? (long) allDigests.size() : null,
        requests,
        imageBytes,
        imageBytes == null ? null : (double) bytes / imageBytes,
        plan.getProvenance().getCoverage(),
        plan.getProvenance().getMinSupport(),
        plan.getProvenance().getSourceManifestDigest(),
        lastNeededBy,
        traces,
        layers);
  }

  /** The layer's size, matched by index and, when both name one, by digest. */
  private static Long layerSize(List<LayerDescriptor> imageLayers, LayerPlan layer) {
    int index = layer.getLayerIndex();
    if (index < 0 || index >= imageLayers.size()) {
      return null;
    }
    LayerDescriptor descriptor = imageLayers.get(index);
    boolean sameBlob =
        layer.getLayerDigest().isEmpty()
            || descriptor.getDigest().isEmpty()
            || layer.getLayerDigest().equals(descriptor.getDigest());
    return sameBlob && descriptor.getSize() > 0 ? descriptor.getSize() : null;
  }

  private static Long imageBytes(List<LayerDescriptor> imageLayers) {
    if (imageLayers.isEmpty()) {
      return null;
    }
    long total = 0;
    for (LayerDescriptor layer : imageLayers) {
      if (layer.getSize() <= 0) {
        return null;
      }
      total += layer.getSize();
    }
    return total;
  }
}
