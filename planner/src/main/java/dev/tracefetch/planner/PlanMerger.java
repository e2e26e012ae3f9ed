package dev.tracefetch.planner;

import dev.tracefetch.api.v1.Provenance;
import dev.tracefetch.api.v1.ReplayPlan;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Turns the best traces of one (app, image) into the replay plan every node follows.
 *
 * <p>Why a consensus and not the best trace: one start reads a few chunks by chance (a cache miss,
 * a log rotation) and misses a few that others need; following one trace prefetches its noise and
 * misses the rest. The plan keeps the chunks that at least {@code minSupport} of the merged traces
 * read, which filters both, and orders them by their median first-access time, which smooths timing
 * jitter.
 *
 * <ol>
 *   <li>Select: the best {@code topK} traces of the ranking whose score is at least {@code
 *       mergeScoreRatio} x the best score (so an outlier does not enter the plan even when there
 *       are fewer than {@code topK} good traces).
 *   <li>Count, for each chunk, the selected traces that read it; keep it when that count is at
 *       least {@code ceil(minSupport x selected)}.
 *   <li>Give it {@code needed_by} = the {@code neededByQuantile} quantile of its first-access times
 *       over the traces that read it (linear interpolation between ranks, rounded down; 0.5 is the
 *       median) and list the chunks by median first access (ties by layer, then offset).
 *   <li>{@link RangeCoalescer Coalesce} per layer.
 * </ol>
 *
 * The output depends only on the state, the ranking and the header: everything is ordered by values
 * with stable tie-breaks, never by hash or insertion order.
 */
public final class PlanMerger {
  private final RankingSettings settings;
  private final RangeCoalescer coalescer;

  public PlanMerger(RankingSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.coalescer = RangeCoalescer.of(settings);
  }

  /** The traces that {@link #merge} would use, best first. */
  public List<ScoredTrace> select(TraceRanking ranking) {
    List<ScoredTrace> selected = new ArrayList<>();
    if (ranking.isEmpty()) {
      return selected;
    }
    double floor = ranking.traces().get(0).score() * settings.mergeScoreRatio();
    for (ScoredTrace trace : ranking.traces()) {
      if (selected.size() == settings.topK() || trace.score() < floor) {
        break;
      }
      selected.add(trace);
    }
    return selected;
  }

  /**
   * Merges the selected traces of {@code ranking} (which must be a ranking of {@code state}) into a
   * plan for the image the state's traces were recorded on.
   *
   * @throws IllegalArgumentException when the state is empty or the ranking names a trace the state
   *     does not hold
   */
  public ReplayPlan merge(RankingState state, TraceRanking ranking, PlanHeader header) {
    Objects.requireNonNull(header, "header");
    List<ScoredTrace> selected = select(ranking);
    if (state.isEmpty() || selected.isEmpty()) {
      throw new IllegalArgumentException(
          "no traces to merge for app '" + state.app() + "' image " + state.manifestDigest());
    }
    List<String> ids = new ArrayList<>(selected.size());
    for (ScoredTrace trace : selected) {
      ids.add(trace.traceId());
    }
    List<PlannedChunk> chunks = consensus(state, ids);
    Provenance.Builder provenance =
        Provenance.newBuilder().setMinSupport(settings.minSupport()).setCoverage(1.0);
    for (ScoredTrace trace : selected) {
      provenance.addTraces(trace.toTraceScore());
    }
    return ReplayPlan.newBuilder()
        .setManifestDigest(state.manifestDigest())
        .setApp(state.app())
        .setVersion(header.version())
        .addAllLayers(coalescer.coalesce(chunks, state.layerDigests()))
        .setProvenance(provenance)
        .setCreatedUnixMicros(header.createdUnixMicros())
        .build();
  }

  /**
   * The consensus chunks of the traces {@code traceIds} of {@code state}, in median first-access
   * order, before coalescing. Public so that a caller can {@link PlanMapper map} them onto another
   * image before coalescing, or inspect them.
   */
  public List<PlannedChunk> consensus(RankingState state, List<String> traceIds) {
    int[] chosen = new int[traceIds.size()];
    for (int i = 0; i < chosen.length; i++) {
      String id = traceIds.get(i);
      chosen[i] = state.positionOf(id);
      if (chosen[i] < 0) {
        throw new IllegalArgumentException(
            "trace " + id + " is not part of the state of " + state.manifestDigest());
      }
    }
    ChunkCatalog catalog = state.catalog();
    int u = catalog.idCount();

    // Counting pass: count[id + 1] = traces that read chunk id.
    int[] start = new int[u + 1];
    for (int t : chosen) {
      for (int id : state.chunkIds(t)) {
        start[id + 1]++;
      }
    }
    for (int c = 0; c < u; c++) {
      start[c + 1] += start[c];
    }
    // Each chunk's slice of first-access times.
    int[] fill = Arrays.copyOf(start, u);
    int[] times = new int[start[u]];
    TraceProfile[] profiles = state.profilesArray();
    for (int t : chosen) {
      int[] ids = state.chunkIds(t);
      int[] firstAccess = profiles[t].firstAccessArray();
      for (int i = 0; i < ids.length; i++) {
        times[fill[ids[i]]++] = firstAccess[i];
      }
    }

    int minCount = Math.max(1, (int) Math.ceil(settings.minSupport() * chosen.length - 1e-9));
    List<Integer> kept = new ArrayList<>();
    long[] median = new long[u];
    long[] neededBy = new long[u];
    for (int c = 0; c < u; c++) {
      int from = start[c];
      int to = start[c + 1];
      if (to - from >= minCount) {
        Arrays.sort(times, from, to);
        median[c] = quantile(times, from, to, 0.5);
        neededBy[c] = quantile(times, from, to, settings.neededByQuantile());
        kept.add(c);
      }
    }
    kept.sort(
        (a, b) ->
            median[a] != median[b]
                ? Long.compare(median[a], median[b])
                : Long.compare(catalog.keyOfId(a), catalog.keyOfId(b)));
    List<PlannedChunk> chunks = new ArrayList<>(kept.size());
    for (int c : kept) {
      long key = catalog.keyOfId(c);
      String digest = catalog.digestOfId(c);
      chunks.add(
          new PlannedChunk(
              ChunkKeys.layerIndex(key),
              ChunkKeys.offset(key),
              catalog.lengthOfId(c),
              digest == null ? List.of() : List.of(digest),
              neededBy[c]));
    }
    return chunks;
  }

  /** Quantile q of sorted[from, to) by linear interpolation between ranks, rounded down. */
  static long quantile(int[] sorted, int from, int to, double q) {
    int n = to - from;
    double h = (n - 1) * q;
    int lo = (int) Math.floor(h);
    int hi = Math.min(lo + 1, n - 1);
    double value = sorted[from + lo] + (h - lo) * ((double) sorted[from + hi] - sorted[from + lo]);
    return (long) Math.floor(value);
  }
}
