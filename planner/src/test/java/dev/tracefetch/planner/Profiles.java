package dev.tracefetch.planner;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Hand-made profiles for small, readable tests. */
final class Profiles {
  static final String MANIFEST = "sha256:" + "a".repeat(64);
  static final List<String> LAYERS =
      List.of("sha256:" + "1".repeat(64), "sha256:" + "2".repeat(64), "sha256:" + "3".repeat(64));
  static final long NOW = SyntheticTraces.NOW_MICROS;

  private Profiles() {}

  static TraceFacts goodFacts() {
    return new TraceFacts("http", true, 1_200_000, 0, false, NOW - 86_400_000_000L, 1000);
  }

  /** A chunk read: layer, offset, length, first access. */
  record Read(int layer, long offset, int length, int time) {}

  static Read read(int layer, long offset, int length, int time) {
    return new Read(layer, offset, length, time);
  }

  static TraceProfile profile(String id, TraceFacts facts, Read... reads) {
    TreeMap<Long, Read> sorted = new TreeMap<>();
    for (Read r : reads) {
      sorted.put(ChunkKeys.of(r.layer(), r.offset()), r);
    }
    int n = sorted.size();
    long[] keys = new long[n];
    int[] times = new int[n];
    int[] lengths = new int[n];
    String[] digests = new String[n];
    int i = 0;
    for (Map.Entry<Long, Read> e : sorted.entrySet()) {
      keys[i] = e.getKey();
      times[i] = e.getValue().time();
      lengths[i] = e.getValue().length();
      digests[i] = chunkDigest(e.getValue().layer(), e.getValue().offset());
      i++;
    }
    try {
      return TraceProfile.create(id, "app", MANIFEST, LAYERS, facts, keys, times, lengths, digests);
    } catch (InvalidTraceException e) {
      throw new AssertionError(e);
    }
  }

  static TraceProfile profile(String id, Read... reads) {
    return profile(id, goodFacts(), reads);
  }

  static String chunkDigest(int layer, long offset) {
    return String.format("sha256:%032x%032x", layer, offset);
  }

  static RankingState state(TraceProfile... profiles) {
    try {
      return RankingState.of(List.of(profiles));
    } catch (InconsistentTraceException e) {
      throw new AssertionError(e);
    }
  }
}
