package dev.tracefetch.replayer.prefetch;

import dev.tracefetch.api.v1.LayerPlan;
import dev.tracefetch.api.v1.PlannedRange;
import dev.tracefetch.api.v1.ReplayPlan;
import dev.tracefetch.layer.estargz.EstargzChunk;

/**
 * Plans the engine can make without a trace, so that the same scheduler serves them: the
 * stargz-snapshotter baseline (each layer's prioritized files, blob bytes before the {@code
 * .prefetch.landmark}) and "pull it all" (every chunk of every layer).
 */
public final class Plans {
  /** Source names used in status and logs. */
  public static final String LANDMARK_SOURCE = "landmark";

  public static final String EVERYTHING_SOURCE = "all";

  private Plans() {}

  /**
   * For each eStargz layer with a {@code .prefetch.landmark} entry, the blob range {@code [0,
   * landmark)}; layers are interleaved (all ranges are needed at once).
   */
  public static ReplayPlan landmarks(ImageChunks image) {
    ReplayPlan.Builder plan =
        ReplayPlan.newBuilder().setManifestDigest(image.manifestDigest().toString());
    for (ImageChunks.Layer l : image.layers()) {
      if (!l.estargz() || l.landmarkOffset().isEmpty() || l.landmarkOffset().getAsLong() <= 0) {
        continue;
      }
      plan.addLayers(
          LayerPlan.newBuilder()
              .setLayerIndex(l.index())
              .setLayerDigest(l.digest().toString())
              .addRanges(
                  PlannedRange.newBuilder()
                      .setCompressedOffset(0)
                      .setCompressedLength(l.landmarkOffset().getAsLong())));
    }
    return plan.build();
  }

  /** Every chunk of every eStargz layer, in blob order. */
  public static ReplayPlan everything(ImageChunks image) {
    ReplayPlan.Builder plan =
        ReplayPlan.newBuilder().setManifestDigest(image.manifestDigest().toString());
    for (ImageChunks.Layer l : image.layers()) {
      if (l.chunks().isEmpty()) {
        continue;
      }
      long end = l.chunks().stream().mapToLong(EstargzChunk::compressedEnd).max().orElse(0);
      plan.addLayers(
          LayerPlan.newBuilder()
              .setLayerIndex(l.index())
              .setLayerDigest(l.digest().toString())
              .addRanges(
                  PlannedRange.newBuilder().setCompressedOffset(0).setCompressedLength(end)));
    }
    return plan.build();
  }
}
