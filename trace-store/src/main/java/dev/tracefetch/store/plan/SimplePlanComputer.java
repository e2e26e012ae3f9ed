package dev.tracefetch.store.plan;

import dev.tracefetch.api.v1.AccessEvent;
import dev.tracefetch.api.v1.ChunkRef;
import dev.tracefetch.api.v1.LayerPlan;
import dev.tracefetch.api.v1.PlannedRange;
import dev.tracefetch.api.v1.Provenance;
import dev.tracefetch.api.v1.ReplayPlan;
import dev.tracefetch.api.v1.Trace;
import dev.tracefetch.api.v1.TraceScore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A plain ranking and merge: completeness decides the score, and the plan is every chunk read by at
 * least {@code minSupport} of the top traces, in order of first access. Kept as the fallback the
 * store runs on when no better {@link PlanComputer} is wired in.
 */
public final class SimplePlanComputer implements PlanComputer {

  private record ChunkKey(int layer, long offset, long length) {}

  @Override
  public PlanComputation compute(PlanInput input) {
    List<TraceJudgement> scored = new ArrayList<>();
    Map<java.util.UUID, LoadedTrace> byId = new HashMap<>();
    for (LoadedTrace loaded : input.traces()) {
      byId.put(loaded.id(), loaded);
      scored.add(judge(loaded));
    }
    scored.sort(
        Comparator.comparingDouble(TraceJudgement::score)
            .reversed()
            .thenComparing(j -> byId.get(j.traceId()).uploadedAt(), Comparator.reverseOrder())
            .thenComparing(TraceJudgement::traceId));
    List<TraceJudgement> ranking = new ArrayList<>();
    List<LoadedTrace> merged = new ArrayList<>();
    for (int i = 0; i < scored.size(); i++) {
      TraceJudgement j = scored.get(i);
      boolean inPlan = i < input.topK();
      ranking.add(new TraceJudgement(j.traceId(), j.score(), j.reasons(), inPlan));
      if (inPlan) {
        merged.add(byId.get(j.traceId()));
      }
    }
    return new PlanComputation(ranking, merge(merged, ranking, input.minSupport()));
  }

  private static TraceJudgement judge(LoadedTrace loaded) {
    var context = loaded.trace().getContext();
    double score = 1.0;
    List<String> reasons = new ArrayList<>();
    if (context.getReadiness().getReached()) {
      reasons.add("reached readiness");
    } else {
      score -= 0.5;
      reasons.add("never reached readiness");
    }
    if (context.getDroppedEvents() > 0) {
      score -= 0.3;
      reasons.add(context.getDroppedEvents() + " dropped events");
    }
    if (context.getIncomplete()) {
      score -= 0.2;
      reasons.add("recording incomplete");
    }
    return new TraceJudgement(loaded.id(), score, reasons, false);
  }

  private static ReplayPlan merge(
      List<LoadedTrace> traces, List<TraceJudgement> ranking, double minSupport) {
    Map<ChunkKey, Integer> support = new HashMap<>();
    Map<ChunkKey, Long> firstAccess = new HashMap<>();
    Map<ChunkKey, String> chunkDigest = new HashMap<>();
    Map<Integer, String> layerDigests = new TreeMap<>();
    for (LoadedTrace loaded : traces) {
      Trace trace = loaded.trace();
      for (int l = 0; l < trace.getLayersCount(); l++) {
        layerDigests.putIfAbsent(l, trace.getLayers(l).getDigest());
      }
      Map<ChunkKey, Long> seen = new HashMap<>();
      for (AccessEvent event : trace.getEventsList()) {
        for (ChunkRef chunk : event.getChunksList()) {
          ChunkKey key =
              new ChunkKey(
                  chunk.getLayerIndex(), chunk.getCompressedOffset(), chunk.getCompressedLength());
          seen.merge(key, event.getTimeOffsetMicros(), Math::min);
          chunkDigest.putIfAbsent(key, chunk.getChunkDigest());
        }
      }
      seen.forEach(
          (key, time) -> {
            support.merge(key, 1, Integer::sum);
            firstAccess.merge(key, time, Math::min);
          });
    }
    int needed = (int) Math.ceil(minSupport * traces.size());
    List<ChunkKey> chosen =
        support.entrySet().stream()
            .filter(e -> e.getValue() >= needed)
            .map(Map.Entry::getKey)
            .sorted(
                Comparator.comparingLong((ChunkKey k) -> firstAccess.get(k))
                    .thenComparingInt(ChunkKey::layer)
                    .thenComparingLong(ChunkKey::offset))
            .toList();
    Map<Integer, List<PlannedRange.Builder>> perLayer = new TreeMap<>();
    for (ChunkKey key : chosen) {
      List<PlannedRange.Builder> ranges =
          perLayer.computeIfAbsent(key.layer(), l -> new ArrayList<>());
      PlannedRange.Builder last = ranges.isEmpty() ? null : ranges.get(ranges.size() - 1);
      if (last != null && last.getCompressedOffset() + last.getCompressedLength() == key.offset()) {
        last.setCompressedLength(last.getCompressedLength() + key.length());
      } else {
        last =
            PlannedRange.newBuilder()
                .setCompressedOffset(key.offset())
                .setCompressedLength(key.length())
                .setNeededByMicros(firstAccess.get(key));
        ranges.add(last);
      }
      String digest = chunkDigest.get(key);
      if (digest != null && !digest.isEmpty()) {
        last.addChunkDigests(digest);
      }
    }
    ReplayPlan.Builder plan = ReplayPlan.newBuilder();
    perLayer.forEach(
        (layer, ranges) -> {
          LayerPlan.Builder lp =
              LayerPlan.newBuilder()
                  .setLayerIndex(layer)
                  .setLayerDigest(layerDigests.getOrDefault(layer, ""));
          ranges.forEach(lp::addRanges);
          plan.addLayers(lp);
        });
    Provenance.Builder provenance =
        Provenance.newBuilder().setMinSupport(minSupport).setCoverage(1.0);
    for (TraceJudgement j : ranking) {
      if (j.inPlan()) {
        provenance.addTraces(
            TraceScore.newBuilder()
                .setTraceId(j.traceId().toString())
                .setScore(j.score())
                .addAllReasons(j.reasons()));
      }
    }
    return plan.setProvenance(provenance).build();
  }
}
