package dev.tracefetch.builder.plan;

import dev.tracefetch.api.v1.ChunkRef;
import dev.tracefetch.api.v1.LayerPlan;
import dev.tracefetch.api.v1.PlannedRange;
import dev.tracefetch.api.v1.ReplayPlan;
import dev.tracefetch.layer.estargz.EstargzChunk;
import dev.tracefetch.layer.estargz.EstargzIndex;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Checks plans and trace chunk references against an image's TOCs before anything is shipped: a
 * node fetches exactly these byte ranges, so each must start at a chunk of an eStargz layer of this
 * image and end before that layer's TOC.
 */
public final class PlanVerifier {
  private final IndexedImage image;
  private final Map<Integer, NavigableMap<Long, List<EstargzChunk>>> chunksByOffset =
      new HashMap<>();

  public PlanVerifier(IndexedImage image) {
    this.image = image;
  }

  /** Verifies every layer and range of {@code plan}. */
  public void verify(ReplayPlan plan, String what) throws PlanBuildException {
    if (!plan.getManifestDigest().equals(image.digest().toString())) {
      throw new PlanBuildException(
          what
              + " is for image "
              + plan.getManifestDigest()
              + ", not for "
              + image.name()
              + " ("
              + image.digest()
              + ")");
    }
    for (LayerPlan layer : plan.getLayersList()) {
      int i = layer.getLayerIndex();
      String layerWhat = what + ": layer " + i;
      EstargzIndex index = eStargzLayer(i, layerWhat);
      String digest = image.layers().get(i).digest().toString();
      if (!layer.getLayerDigest().isEmpty() && !layer.getLayerDigest().equals(digest)) {
        throw new PlanBuildException(
            layerWhat
                + " is "
                + layer.getLayerDigest()
                + " but the image's layer "
                + i
                + " is "
                + digest);
      }
      NavigableMap<Long, List<EstargzChunk>> chunks = chunks(i, index);
      for (PlannedRange r : layer.getRangesList()) {
        long end = r.getCompressedOffset() + r.getCompressedLength();
        if (r.getCompressedLength() <= 0
            || !chunks.containsKey(r.getCompressedOffset())
            || end > index.tocOffset()) {
          throw new PlanBuildException(
              layerWhat
                  + ": range ["
                  + r.getCompressedOffset()
                  + ", "
                  + end
                  + ") does not start at a chunk of the layer's TOC or runs past its data (TOC at "
                  + index.tocOffset()
                  + ")");
        }
      }
    }
  }

  /** Verifies one chunk reference of a trace recorded on this image. */
  public void verify(ChunkRef ref, String what) throws PlanBuildException {
    int i = ref.getLayerIndex();
    EstargzIndex index = eStargzLayer(i, what);
    List<EstargzChunk> at = chunks(i, index).get(ref.getCompressedOffset());
    if (at == null) {
      throw new PlanBuildException(
          what
              + " reads layer "
              + i
              + " at compressed offset "
              + ref.getCompressedOffset()
              + ", where the layer's TOC has no chunk");
    }
    if (!ref.getChunkDigest().isEmpty()
        && at.stream().noneMatch(c -> ref.getChunkDigest().equals(c.chunkDigest().toString()))) {
      throw new PlanBuildException(
          what
              + " says the chunk at layer "
              + i
              + " offset "
              + ref.getCompressedOffset()
              + " has digest "
              + ref.getChunkDigest()
              + " but the layer's TOC says "
              + at.get(0).chunkDigest());
    }
  }

  private EstargzIndex eStargzLayer(int i, String what) throws PlanBuildException {
    if (i < 0 || i >= image.layers().size()) {
      throw new PlanBuildException(
          what
              + ": unknown layer "
              + i
              + "; "
              + image.name()
              + " has "
              + image.layers().size()
              + " layers");
    }
    return image
        .index(i)
        .orElseThrow(
            () ->
                new PlanBuildException(
                    what
                        + ": layer "
                        + i
                        + " ("
                        + image.layers().get(i).digest()
                        + ") of "
                        + image.name()
                        + " is not eStargz, so nothing in it can be prefetched by range"));
  }

  private NavigableMap<Long, List<EstargzChunk>> chunks(int layer, EstargzIndex index) {
    return chunksByOffset.computeIfAbsent(
        layer,
        l -> {
          NavigableMap<Long, List<EstargzChunk>> map = new TreeMap<>();
          for (EstargzChunk c : index.chunksInBlobOrder()) {
            map.computeIfAbsent(c.compressedOffset(), k -> new ArrayList<>()).add(c);
          }
          return map;
        });
  }
}
