package dev.tracefetch.builder.optimize;

import dev.tracefetch.api.v1.LayerPlan;
import dev.tracefetch.api.v1.PlannedRange;
import dev.tracefetch.api.v1.ReplayPlan;
import dev.tracefetch.builder.plan.IndexedImage;
import dev.tracefetch.layer.estargz.Estargz;
import dev.tracefetch.layer.estargz.EstargzChunk;
import dev.tracefetch.layer.estargz.EstargzIndex;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The files a start reads, per layer, in first-access order: a plan's chunk ranges mapped back to
 * the files that own the chunks through the layer's TOC. {@code optimize} puts exactly these files
 * first in each layer so that a node fetches a layer's start-up set with one or a few large range
 * requests (and stargz-snapshotter prefetches it up to {@code .prefetch.landmark}).
 */
public final class FileOrder {
  private FileOrder() {}

  /**
   * Layer index to file paths (relative, as in the TOC), earliest first access first. Ranges are
   * taken in {@code needed_by} order (plan order on ties); within a range, chunks in blob order,
   * only those the range lists in {@code chunk_digests} when it lists any (coalesced gap bytes are
   * not reads). Layers without a TOC or without reads are absent.
   */
  public static Map<Integer, List<String>> of(ReplayPlan plan, IndexedImage image) {
    Map<Integer, List<String>> out = new TreeMap<>();
    for (LayerPlan layer : plan.getLayersList()) {
      int i = layer.getLayerIndex();
      if (i < 0 || i >= image.layers().size() || image.index(i).isEmpty()) {
        continue;
      }
      EstargzIndex index = image.index(i).get();
      TreeMap<Long, List<EstargzChunk>> chunks = new TreeMap<>();
      for (EstargzChunk c : index.chunksInBlobOrder()) {
        chunks.computeIfAbsent(c.compressedOffset(), k -> new ArrayList<>()).add(c);
      }
      List<PlannedRange> ranges = new ArrayList<>(layer.getRangesList());
      ranges.sort(Comparator.comparingLong(PlannedRange::getNeededByMicros)); // stable
      Set<String> files = new LinkedHashSet<>();
      for (PlannedRange r : ranges) {
        Set<String> digests = new HashSet<>(r.getChunkDigestsList());
        long from = r.getCompressedOffset();
        long to = from + r.getCompressedLength();
        for (List<EstargzChunk> at : chunks.subMap(from, true, to, false).values()) {
          for (EstargzChunk c : at) {
            if (Estargz.isLandmark(c.path())) {
              continue;
            }
            if (digests.isEmpty() || digests.contains(c.chunkDigest().toString())) {
              files.add(c.path());
            }
          }
        }
      }
      if (!files.isEmpty()) {
        out.put(i, List.copyOf(files));
      }
    }
    return out;
  }
}
