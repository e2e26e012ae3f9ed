package dev.tracefetch.planner;

import dev.tracefetch.api.v1.LayerPlan;
import dev.tracefetch.api.v1.PlannedRange;
import dev.tracefetch.api.v1.Provenance;
import dev.tracefetch.api.v1.ReplayPlan;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Carries a plan or a trace profile recorded on one image (v1) over to another image of the same
 * app (v2), so that a new release starts fast before any start of it has been recorded.
 *
 * <p>Rules, per source chunk:
 *
 * <ol>
 *   <li>A layer whose digest the target image also has maps exactly: same offsets, in the target's
 *       layer of that digest (the same index when possible).
 *   <li>In a changed layer, the chunk's files are looked up in the source table (entries at the
 *       chunk's compressed offset; several small files may share one compressed chunk) and each is
 *       found in the target table by path + content digest + chunk offset (or, when the source does
 *       not know the content digest, by path + chunk offset + chunk digest). When several target
 *       layers hold the file, the uppermost (the one a container sees) wins. The chunk counts as
 *       mapped when all its files were found; the targets of a partly mapped chunk are still
 *       planned.
 *   <li>Anything else is dropped and counted as unmapped.
 * </ol>
 *
 * <p>Coverage is the share of source bytes mapped. For a plan the source bytes are those of the
 * source chunks inside its ranges (gap bytes between coalesced chunks do not count); a range of a
 * changed layer in which the source table has no chunk counts with its whole length, unmapped. The
 * mapped plan's {@code Provenance.coverage} is the source plan's coverage times this share, and
 * {@code source_manifest_digest} names the image the traces were recorded on.
 */
public final class PlanMapper {
  private final RangeCoalescer coalescer;

  public PlanMapper(RankingSettings settings) {
    this.coalescer = RangeCoalescer.of(Objects.requireNonNull(settings, "settings"));
  }

  /**
   * Maps {@code plan} (for the image {@code source} describes) onto the image {@code target}
   * describes; ranges are coalesced again in the target layers.
   *
   * @throws PlanMappingException when the plan is not for the source image or names a layer it does
   *     not have
   */
  public MappedPlan map(ReplayPlan plan, ImageChunkTable source, ImageChunkTable target)
      throws PlanMappingException {
    if (!plan.getManifestDigest().isEmpty()
        && !plan.getManifestDigest().equals(source.manifestDigest())) {
      throw new PlanMappingException(
          "plan is for image "
              + plan.getManifestDigest()
              + " but the source table describes "
              + source.manifestDigest());
    }
    Tables tables = new Tables(source, target);
    Accounting acc = new Accounting(source.layers().size());
    Map<Long, PlannedChunk> planned = new HashMap<>();
    for (LayerPlan layer : plan.getLayersList()) {
      int index = layer.getLayerIndex();
      tables.checkSourceLayer(index, layer.getLayerDigest(), "plan");
      int exactIndex = tables.exactTargetIndex(index);
      acc.use(index, exactIndex >= 0);
      NavigableMap<Long, List<ChunkEntry>> chunks = tables.sourceChunks(index);
      for (PlannedRange range : layer.getRangesList()) {
        long from = range.getCompressedOffset();
        long to = from + range.getCompressedLength();
        NavigableMap<Long, List<ChunkEntry>> inside = chunks.subMap(from, true, to, false);
        if (exactIndex >= 0) {
          add(
              planned,
              new PlannedChunk(
                  exactIndex,
                  from,
                  range.getCompressedLength(),
                  range.getChunkDigestsList(),
                  range.getNeededByMicros()));
          long bytes = inside.isEmpty() ? range.getCompressedLength() : chunkBytes(inside);
          acc.count(inside.isEmpty() ? 1 : inside.size(), inside.isEmpty() ? 1 : inside.size());
          acc.bytes(bytes, bytes);
          continue;
        }
        if (inside.isEmpty()) {
          acc.count(1, 0);
          acc.bytes(range.getCompressedLength(), 0);
          continue;
        }
        for (List<ChunkEntry> entries : inside.values()) {
          List<ChunkEntry> found = tables.findAll(entries);
          long length = entries.get(0).compressedLength();
          boolean all = found.size() == entries.size();
          acc.count(1, all ? 1 : 0);
          acc.bytes(length, all ? length : 0);
          for (ChunkEntry hit : found) {
            add(planned, tables.plannedChunk(hit, range.getNeededByMicros()));
          }
        }
      }
    }
    MappingReport report = acc.report();
    Provenance original = plan.getProvenance();
    double priorCoverage = original.getCoverage() > 0 ? original.getCoverage() : 1.0;
    String recordedOn =
        original.getSourceManifestDigest().isEmpty()
            ? plan.getManifestDigest()
            : original.getSourceManifestDigest();
    List<PlannedChunk> chunks = new ArrayList<>(planned.values());
    ReplayPlan mapped =
        plan.toBuilder()
            .setManifestDigest(target.manifestDigest())
            .clearLayers()
            .addAllLayers(coalescer.coalesce(chunks, target.layerDigests()))
            .setProvenance(
                original.toBuilder()
                    .setSourceManifestDigest(recordedOn)
                    .setCoverage(priorCoverage * report.coverage()))
            .build();
    return new MappedPlan(mapped, report);
  }

  /**
   * Maps a trace profile recorded on the image {@code source} describes onto the image {@code
   * target} describes. A target chunk reached from several source chunks keeps the earliest first
   * access.
   *
   * @throws PlanMappingException when the profile was recorded on another image than {@code source}
   *     or reads a layer it does not have
   */
  public MappedProfile map(TraceProfile profile, ImageChunkTable source, ImageChunkTable target)
      throws PlanMappingException {
    if (!profile.manifestDigest().equals(source.manifestDigest())) {
      throw new PlanMappingException(
          "trace "
              + profile.traceId()
              + " was recorded on image "
              + profile.manifestDigest()
              + " but the source table describes "
              + source.manifestDigest());
    }
    Tables tables = new Tables(source, target);
    Accounting acc = new Accounting(source.layers().size());
    TreeMap<Long, int[]> mapped = new TreeMap<>(); // key -> {firstAccess, length}
    Map<Long, String> digests = new HashMap<>();
    for (int i = 0; i < profile.chunkCount(); i++) {
      long key = profile.chunkKey(i);
      int layer = ChunkKeys.layerIndex(key);
      String layerDigest =
          layer < profile.layerDigests().size() ? profile.layerDigests().get(layer) : "";
      tables.checkSourceLayer(layer, layerDigest, "trace " + profile.traceId());
      int exactIndex = tables.exactTargetIndex(layer);
      acc.use(layer, exactIndex >= 0);
      int time = profile.firstAccessMicros(i);
      int length = profile.compressedLength(i);
      if (exactIndex >= 0) {
        long targetKey = ChunkKeys.of(exactIndex, ChunkKeys.offset(key));
        put(mapped, digests, targetKey, time, length, profile.chunkDigest(i));
        acc.count(1, 1);
        acc.bytes(length, length);
        continue;
      }
      List<ChunkEntry> entries = tables.sourceChunks(layer).get(ChunkKeys.offset(key));
      List<ChunkEntry> found = entries == null ? List.of() : tables.findAll(entries);
      boolean all = entries != null && found.size() == entries.size();
      acc.count(1, all ? 1 : 0);
      acc.bytes(length, all ? length : 0);
      for (ChunkEntry hit : found) {
        int targetLayer = tables.layerOf(hit);
        put(
            mapped,
            digests,
            ChunkKeys.of(targetLayer, hit.compressedOffset()),
            time,
            (int) hit.compressedLength(),
            hit.chunkDigest());
      }
    }
    int n = mapped.size();
    long[] keys = new long[n];
    int[] times = new int[n];
    int[] lengths = new int[n];
    String[] chunkDigests = new String[n];
    int o = 0;
    for (Map.Entry<Long, int[]> e : mapped.entrySet()) {
      keys[o] = e.getKey();
      times[o] = e.getValue()[0];
      lengths[o] = e.getValue()[1];
      chunkDigests[o] = digests.get(e.getKey());
      o++;
    }
    try {
      TraceProfile result =
          TraceProfile.create(
              profile.traceId(),
              profile.app(),
              target.manifestDigest(),
              target.layerDigests(),
              profile.facts(),
              keys,
              times,
              lengths,
              chunkDigests);
      return new MappedProfile(result, acc.report());
    } catch (InvalidTraceException e) {
      throw new PlanMappingException(
          "trace "
              + profile.traceId()
              + " mapped onto "
              + target.manifestDigest()
              + ": "
              + e.getMessage());
    }
  }

  private static void put(
      TreeMap<Long, int[]> mapped,
      Map<Long, String> digests,
      long key,
      int time,
      int length,
      String digest) {
    int[] existing = mapped.get(key);
    if (existing == null) {
      mapped.put(key, new int[] {time, length});
    } else {
      existing[0] = Math.min(existing[0], time);
    }
    if (!digest.isEmpty()) {
      digests.putIfAbsent(key, digest);
    }
  }

  private static void add(Map<Long, PlannedChunk> planned, PlannedChunk chunk) {
    long key = ChunkKeys.of(chunk.layerIndex(), chunk.compressedOffset());
    PlannedChunk existing = planned.get(key);
    if (existing == null || chunk.neededByMicros() < existing.neededByMicros()) {
      planned.put(key, chunk);
    }
  }

  private static long chunkBytes(NavigableMap<Long, List<ChunkEntry>> chunks) {
    long bytes = 0;
    for (List<ChunkEntry> entries : chunks.values()) {
      bytes += entries.get(0).compressedLength();
    }
    return bytes;
  }

  /** Lookup structures over a (source, target) pair of tables. */
  private static final class Tables {
    private final ImageChunkTable source;
    private final ImageChunkTable target;
    private final Map<String, Integer> targetIndexOfDigest = new HashMap<>();
    private final Map<Integer, NavigableMap<Long, List<ChunkEntry>>> sourceChunks = new HashMap<>();
    private final Map<ChunkEntry, Integer> targetLayerOf = new HashMap<>();
    private Map<String, ChunkEntry> byContent; // built on first use
    private Map<String, ChunkEntry> byChunkDigest;

    Tables(ImageChunkTable source, ImageChunkTable target) {
      this.source = source;
      this.target = target;
      List<LayerChunkTable> layers = target.layers();
      for (int i = 0; i < layers.size(); i++) {
        targetIndexOfDigest.putIfAbsent(layers.get(i).layerDigest(), i);
      }
    }

    void checkSourceLayer(int index, String digest, String what) throws PlanMappingException {
      if (index < 0 || index >= source.layers().size()) {
        throw new PlanMappingException(
            what
                + " uses layer "
                + index
                + " but image "
                + source.manifestDigest()
                + " has "
                + source.layers().size()
                + " layers");
      }
      String expected = source.layers().get(index).layerDigest();
      if (!digest.isEmpty() && !digest.equals(expected)) {
        throw new PlanMappingException(
            what
                + " names layer "
                + index
                + " "
                + digest
                + " but layer "
                + index
                + " of image "
                + source.manifestDigest()
                + " is "
                + expected);
      }
    }

    /** Target index of source layer {@code index} when the target has it unchanged, else -1. */
    int exactTargetIndex(int index) {
      String digest = source.layers().get(index).layerDigest();
      List<LayerChunkTable> targetLayers = target.layers();
      if (index < targetLayers.size() && targetLayers.get(index).layerDigest().equals(digest)) {
        return index;
      }
      return targetIndexOfDigest.getOrDefault(digest, -1);
    }

    NavigableMap<Long, List<ChunkEntry>> sourceChunks(int index) {
      return sourceChunks.computeIfAbsent(
          index,
          i -> {
            TreeMap<Long, List<ChunkEntry>> map = new TreeMap<>();
            for (ChunkEntry entry : source.layers().get(i).entries()) {
              map.computeIfAbsent(entry.compressedOffset(), k -> new ArrayList<>()).add(entry);
            }
            return map;
          });
    }

    List<ChunkEntry> findAll(List<ChunkEntry> entries) {
      if (byContent == null) {
        indexTarget();
      }
      List<ChunkEntry> found = new ArrayList<>(entries.size());
      for (ChunkEntry entry : entries) {
        ChunkEntry hit = null;
        if (!entry.contentDigest().isEmpty()) {
          hit = byContent.get(contentKey(entry));
        } else if (!entry.chunkDigest().isEmpty()) {
          hit = byChunkDigest.get(chunkDigestKey(entry));
        }
        if (hit != null) {
          found.add(hit);
        }
      }
      return found;
    }

    int layerOf(ChunkEntry targetEntry) {
      return targetLayerOf.get(targetEntry);
    }

    PlannedChunk plannedChunk(ChunkEntry hit, long neededBy) {
      return new PlannedChunk(
          layerOf(hit),
          hit.compressedOffset(),
          hit.compressedLength(),
          hit.chunkDigest().isEmpty() ? List.of() : List.of(hit.chunkDigest()),
          neededBy);
    }

    private void indexTarget() {
      byContent = new HashMap<>();
      byChunkDigest = new HashMap<>();
      List<LayerChunkTable> layers = target.layers();
      // Upper layers last, so they overwrite: the uppermost copy of a file is the visible one.
      for (int i = 0; i < layers.size(); i++) {
        for (ChunkEntry entry : layers.get(i).entries()) {
          targetLayerOf.put(entry, i);
          if (!entry.contentDigest().isEmpty()) {
            byContent.put(contentKey(entry), entry);
          }
          if (!entry.chunkDigest().isEmpty()) {
            byChunkDigest.put(chunkDigestKey(entry), entry);
          }
        }
      }
    }

    private static String contentKey(ChunkEntry e) {
      return e.path() + '\0' + e.contentDigest() + '\0' + e.chunkOffset();
    }

    private static String chunkDigestKey(ChunkEntry e) {
      return e.path() + '\0' + e.chunkOffset() + '\0' + e.chunkDigest();
    }
  }

  /** Counts chunks and bytes, and which source layers were exact or remapped. */
  private static final class Accounting {
    private final byte[] layerUse; // 0 unused, 1 exact, 2 remapped
    private int totalChunks;
    private int mappedChunks;
    private long totalBytes;
    private long mappedBytes;

    Accounting(int layers) {
      layerUse = new byte[layers];
    }

    void use(int layer, boolean exact) {
      layerUse[layer] = (byte) (exact ? 1 : 2);
    }

    void count(int total, int mapped) {
      totalChunks += total;
      mappedChunks += mapped;
    }

    void bytes(long total, long mapped) {
      totalBytes += total;
      mappedBytes += mapped;
    }

    MappingReport report() {
      int exact = 0;
      int remapped = 0;
      for (byte use : layerUse) {
        if (use == 1) {
          exact++;
        } else if (use == 2) {
          remapped++;
        }
      }
      return new MappingReport(totalChunks, mappedChunks, totalBytes, mappedBytes, exact, remapped);
    }
  }
}
