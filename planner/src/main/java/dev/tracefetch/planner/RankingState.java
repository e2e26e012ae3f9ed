package dev.tracefetch.planner;

import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything needed to rank the traces of one (app, image) and merge them into a plan, without the
 * traces themselves: their profiles (chunk digests stripped) and the {@link ChunkCatalog} of the
 * image.
 *
 * <p>Why it exists: the store keeps one state per (app, image) and, when a trace arrives, derives
 * the next state with {@link #plus} in O(catalog + trace) instead of decoding every stored trace
 * again; ranking and merging then read only this state. States are immutable and safe to share
 * between threads, so a reader can keep using the previous state while the next one is computed.
 *
 * <p>A state does not depend on the order in which profiles were added: {@code
 * empty().plus(a).plus(b)} equals {@code of(List.of(b, a))}, and ranking it gives the same result.
 */
public final class RankingState {
  private static final RankingState EMPTY =
      new RankingState("", "", List.of(), new TraceProfile[0], new int[0][], ChunkCatalog.EMPTY);

  private final String app;
  private final String manifestDigest;
  private final List<String> layerDigests;
  private final TraceProfile[] profiles; // sorted by trace id, no chunk digests
  private final int[][] chunkIds; // per profile: catalog id of each of its chunks
  private final ChunkCatalog catalog;

  private RankingState(
      String app,
      String manifestDigest,
      List<String> layerDigests,
      TraceProfile[] profiles,
      int[][] chunkIds,
      ChunkCatalog catalog) {
    this.app = app;
    this.manifestDigest = manifestDigest;
    this.layerDigests = layerDigests;
    this.profiles = profiles;
    this.chunkIds = chunkIds;
    this.catalog = catalog;
  }

  /** The state of an image with no traces. */
  public static RankingState empty() {
    return EMPTY;
  }

  /** The state holding {@code profiles} (for example all stored profiles after a restart). */
  public static RankingState of(Collection<TraceProfile> profiles)
      throws InconsistentTraceException {
    RankingState state = EMPTY;
    for (TraceProfile profile : profiles) {
      state = state.plus(profile);
    }
    return state;
  }

  /**
   * Returns this state with {@code profile} added (replacing a profile with the same trace id).
   *
   * @throws InconsistentTraceException when the profile was recorded on another app or image, or
   *     disagrees with the traces already held about a chunk's length or digest
   */
  public RankingState plus(TraceProfile profile) throws InconsistentTraceException {
    Objects.requireNonNull(profile, "profile");
    RankingState base = minus(profile.traceId());
    if (base.profiles.length > 0) {
      if (!base.app.equals(profile.app())) {
        throw new InconsistentTraceException(
            "trace "
                + profile.traceId()
                + " belongs to app '"
                + profile.app()
                + "' but this state holds traces of app '"
                + base.app
                + "'");
      }
      if (!base.manifestDigest.equals(profile.manifestDigest())
          || !base.layerDigests.equals(profile.layerDigests())) {
        throw new InconsistentTraceException(
            "trace "
                + profile.traceId()
                + " was recorded on image "
                + profile.manifestDigest()
                + " with layers "
                + profile.layerDigests()
                + " but this state holds traces of image "
                + base.manifestDigest
                + " with layers "
                + base.layerDigests
                + " (map it with PlanMapper first)");
      }
    }
    ChunkCatalog.Added added = base.catalog.plus(profile);
    int n = base.profiles.length;
    int at = -Arrays.binarySearch(base.profiles, profile, BY_ID) - 1;
    TraceProfile[] next = new TraceProfile[n + 1];
    int[][] nextIds = new int[n + 1][];
    System.arraycopy(base.profiles, 0, next, 0, at);
    System.arraycopy(base.chunkIds, 0, nextIds, 0, at);
    System.arraycopy(base.profiles, at, next, at + 1, n - at);
    System.arraycopy(base.chunkIds, at, nextIds, at + 1, n - at);
    next[at] = profile.withoutChunkDigests();
    nextIds[at] = added.ids();
    return new RankingState(
        profile.app(),
        profile.manifestDigest(),
        profile.layerDigests(),
        next,
        nextIds,
        added.catalog());
  }

  /** Returns this state without the trace {@code traceId} (this state when it is absent). */
  public RankingState minus(String traceId) {
    int at = indexOf(traceId);
    if (at < 0) {
      return this;
    }
    if (profiles.length == 1) {
      return EMPTY;
    }
    int n = profiles.length - 1;
    TraceProfile[] next = new TraceProfile[n];
    int[][] nextIds = new int[n][];
    System.arraycopy(profiles, 0, next, 0, at);
    System.arraycopy(profiles, at + 1, next, at, n - at);
    System.arraycopy(chunkIds, 0, nextIds, 0, at);
    System.arraycopy(chunkIds, at + 1, nextIds, at, n - at);
    ChunkCatalog.Removed removed = catalog.minus(traceId, chunkIds[at]);
    int[] remap = removed.remap();
    if (remap != null) {
      // Chunks only the removed trace read are gone and ids moved: renumber every trace's ids.
      for (int t = 0; t < n; t++) {
        int[] ids = nextIds[t].clone();
        for (int i = 0; i < ids.length; i++) {
          ids[i] = remap[ids[i]];
        }
        nextIds[t] = ids;
      }
    }
    return new RankingState(app, manifestDigest, layerDigests, next, nextIds, removed.catalog());
  }

  private static final Comparator<TraceProfile> BY_ID = Comparator.comparing(TraceProfile::traceId);

  private int indexOf(String traceId) {
    int lo = 0;
    int hi = profiles.length - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int cmp = profiles[mid].traceId().compareTo(traceId);
      if (cmp < 0) {
        lo = mid + 1;
      } else if (cmp > 0) {
        hi = mid - 1;
      } else {
        return mid;
      }
    }
    return -1;
  }

  /** Number of traces. */
  public int size() {
    return profiles.length;
  }

  public boolean isEmpty() {
    return profiles.length == 0;
  }

  /** The profiles, ordered by trace id, without chunk digests (those live in the catalog). */
  public List<TraceProfile> profiles() {
    return Collections.unmodifiableList(Arrays.asList(profiles));
  }

  public Optional<TraceProfile> profile(String traceId) {
    int at = indexOf(traceId);
    return at < 0 ? Optional.empty() : Optional.of(profiles[at]);
  }

  public ChunkCatalog catalog() {
    return catalog;
  }

  /** App of the traces held (empty for an empty state). */
  public String app() {
    return app;
  }

  /** Manifest digest of the image the traces were recorded on (empty for an empty state). */
  public String manifestDigest() {
    return manifestDigest;
  }

  public List<String> layerDigests() {
    return layerDigests;
  }

  /**
   * Heap bytes this state holds, roughly: per trace its chunk keys, first-access times, lengths and
   * catalog ids (20 bytes a chunk), plus the catalog. The store bounds its cache of states by this,
   * because one image with thousands of traces outweighs many small ones.
   */
  public long approximateBytes() {
    long bytes = 128 + catalog.approximateBytes();
    for (int i = 0; i < profiles.length; i++) {
      bytes += 256 + 20L * chunkIds[i].length;
    }
    return bytes;
  }

  TraceProfile[] profilesArray() {
    return profiles;
  }

  /** Catalog ids of the chunks of the profile at {@code index}, parallel to its keys. */
  int[] chunkIds(int index) {
    return chunkIds[index];
  }

  /** Position of {@code traceId} in {@link #profiles()}, or -1. */
  int positionOf(String traceId) {
    return indexOf(traceId);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RankingState s
        && app.equals(s.app)
        && manifestDigest.equals(s.manifestDigest)
        && layerDigests.equals(s.layerDigests)
        && Arrays.equals(profiles, s.profiles)
        && catalog.equals(s.catalog);
  }

  @Override
  public int hashCode() {
    return Objects.hash(manifestDigest, profiles.length, catalog);
  }

  @Override
  public String toString() {
    return "RankingState[" + app + " " + manifestDigest + ", " + profiles.length + " traces]";
  }
}
