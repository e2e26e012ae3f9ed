package dev.tracefetch.replayer.prefetch;

import dev.tracefetch.api.v1.LayerPlan;
import dev.tracefetch.api.v1.PlannedRange;
import dev.tracefetch.api.v1.ReplayPlan;
import dev.tracefetch.layer.estargz.EstargzChunk;
import dev.tracefetch.oci.image.Digest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns a replay plan into the chunks to fetch, in the order the application will need them: ranges
 * of all layers merged by {@code needed_by_micros} (each layer's own order kept), each range mapped
 * to the chunks whose gzip members start in it, duplicates (a chunk shared by two layers or ranges)
 * kept at their first place. A plan that does not fit the mounted image is refused whole.
 */
public final class PlanResolver {
  private PlanResolver() {}

  /**
   * @throws IllegalArgumentException if the plan is for another image, names a layer the image does
   *     not have (or with another digest), or has a range outside its layer blob
   */
  public static List<PlannedChunk> resolve(ReplayPlan plan, ImageChunks image) {
    String expected = image.manifestDigest().toString();
    if (!plan.getManifestDigest().equals(expected)) {
      throw new IllegalArgumentException(
          "the replay plan is for image "
              + (plan.getManifestDigest().isEmpty() ? "(none)" : plan.getManifestDigest())
              + " but the mounted image is "
              + expected);
    }
    List<List<PlannedRange>> perLayer = new ArrayList<>();
    List<ImageChunks.Layer> layerOf = new ArrayList<>();
    Set<Integer> seenLayers = new HashSet<>();
    for (LayerPlan lp : plan.getLayersList()) {
      int i = lp.getLayerIndex();
      if (i < 0 || i >= image.layers().size()) {
        throw new IllegalArgumentException(
            "the replay plan names layer "
                + i
                + " but image "
                + expected
                + " has "
                + image.layers().size()
                + " layers");
      }
      ImageChunks.Layer layer = image.layers().get(i);
      if (!lp.getLayerDigest().isEmpty()
          && !lp.getLayerDigest().equals(layer.digest().toString())) {
        throw new IllegalArgumentException(
            "the replay plan says layer "
                + i
                + " is "
                + lp.getLayerDigest()
                + " but in image "
                + expected
                + " it is "
                + layer.digest());
      }
      if (!seenLayers.add(i)) {
        throw new IllegalArgumentException("the replay plan lists layer " + i + " twice");
      }
      for (PlannedRange r : lp.getRangesList()) {
        if (r.getCompressedOffset() < 0
            || r.getCompressedLength() <= 0
            || r.getCompressedOffset() + r.getCompressedLength() > layer.blobSize()) {
          throw new IllegalArgumentException(
              "the replay plan has range ["
                  + r.getCompressedOffset()
                  + ", +"
                  + r.getCompressedLength()
                  + ") in layer "
                  + i
                  + " ("
                  + layer.digest()
                  + ") of "
                  + layer.blobSize()
                  + " bytes");
        }
      }
      if (layer.estargz()) {
        perLayer.add(lp.getRangesList());
        layerOf.add(layer);
      }
    }
    // Merge the layers' range lists by needed_by, keeping each list's own order.
    int[] next = new int[perLayer.size()];
    List<PlannedChunk> out = new ArrayList<>();
    Set<Digest> seen = new HashSet<>();
    while (true) {
      int best = -1;
      for (int k = 0; k < perLayer.size(); k++) {
        if (next[k] < perLayer.get(k).size()
            && (best < 0
                || perLayer.get(k).get(next[k]).getNeededByMicros()
                    < perLayer.get(best).get(next[best]).getNeededByMicros())) {
          best = k;
        }
      }
      if (best < 0) {
        break;
      }
      PlannedRange r = perLayer.get(best).get(next[best]++);
      ImageChunks.Layer layer = layerOf.get(best);
      List<EstargzChunk> inRange =
          layer.chunksStartingIn(r.getCompressedOffset(), r.getCompressedLength());
      Set<String> wanted = new HashSet<>(r.getChunkDigestsList());
      boolean filter =
          !wanted.isEmpty()
              && inRange.stream().anyMatch(c -> wanted.contains(c.chunkDigest().toString()));
      for (EstargzChunk c : inRange) {
        if (filter && !wanted.contains(c.chunkDigest().toString())) {
          continue;
        }
        if (seen.add(c.chunkDigest())) {
          out.add(new PlannedChunk(layer.index(), c));
        }
      }
    }
    return out;
  }
}
