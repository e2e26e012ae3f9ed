package dev.tracefetch.store.ranking;

import dev.tracefetch.api.v1.AccessEvent;
import dev.tracefetch.api.v1.ChunkRef;
import dev.tracefetch.api.v1.LayerDescriptor;
import dev.tracefetch.api.v1.Readiness;
import dev.tracefetch.api.v1.RecordingContext;
import dev.tracefetch.api.v1.Trace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The compact form of one trace that ranking and merging work on: its distinct chunks as a sorted
 * array of {@link ChunkKeys chunk keys} with parallel arrays of first-access time, compressed
 * length and chunk digest, plus the {@link TraceFacts} of the recording.
 *
 * <p>Why it exists: a trace of 20,000 events is a few megabytes of protobuf that takes milliseconds
 * to decode; re-ranking an app with a thousand traces cannot afford to decode them all each time a
 * trace arrives. The store extracts the profile once at upload, keeps it (see {@link
 * TraceProfileCodec}) and re-ranks from profiles only.
 *
 * <p>First-access times are stored as {@code int} microseconds (saturating at about 35 minutes, far
 * beyond any start-up), which halves the memory of a thousand cached profiles.
 *
 * <p>Instances are immutable; the arrays are never exposed.
 */
public final class TraceProfile {
  private final String traceId;
  private final String app;
  private final String manifestDigest;
  private final List<String> layerDigests;
  private final TraceFacts facts;
  private final long[] keys;
  private final int[] firstAccess;
  private final int[] lengths;
  private final String[] digests; // null when stripped; entries null when unknown
  private final long bytesRead;

  private TraceProfile(
      String traceId,
      String app,
      String manifestDigest,
      List<String> layerDigests,
      TraceFacts facts,
      long[] keys,
      int[] firstAccess,
      int[] lengths,
      String[] digests) {
    this.traceId = traceId;
    this.app = app;
    this.manifestDigest = manifestDigest;
    this.layerDigests = layerDigests;
    this.facts = facts;
    this.keys = keys;
    this.firstAccess = firstAccess;
    this.lengths = lengths;
    this.digests = digests;
    long sum = 0;
    for (int length : lengths) {
      sum += length;
    }
    this.bytesRead = sum;
  }

  /**
   * Extracts the profile of a decoded trace.
   *
   * @param traceId the store's id for the trace (used in reasons, provenance and error messages)
   * @param receivedUnixMicros when the store received the trace; stands in for the recording's
   *     wall-clock start when the recorder did not report one (0 = unknown)
   * @throws InvalidTraceException when a chunk reference is malformed or contradicts another one
   */
  public static TraceProfile of(String traceId, Trace trace, long receivedUnixMicros)
      throws InvalidTraceException {
    requireId(traceId);
    Objects.requireNonNull(trace, "trace");
    List<String> layers = new ArrayList<>(trace.getLayersCount());
    for (LayerDescriptor layer : trace.getLayersList()) {
      layers.add(layer.getDigest());
    }
    int refCount = 0;
    for (AccessEvent event : trace.getEventsList()) {
      refCount += event.getChunksCount();
    }
    long[] refKeys = new long[refCount];
    long[] refTimes = new long[refCount];
    int r = 0;
    for (int e = 0; e < trace.getEventsCount(); e++) {
      AccessEvent event = trace.getEvents(e);
      long time = event.getTimeOffsetMicros();
      for (int c = 0; c < event.getChunksCount(); c++) {
        ChunkRef ref = event.getChunks(c);
        String where = "trace " + traceId + ": event " + e + " chunk " + c + ": ";
        if (time < 0) {
          throw new InvalidTraceException(where + "time_offset_micros is negative: " + time);
        }
        if (!layers.isEmpty() && ref.getLayerIndex() >= layers.size()) {
          throw new InvalidTraceException(
              where
                  + "layer_index "
                  + ref.getLayerIndex()
                  + " is outside the image's "
                  + layers.size()
                  + " layers");
        }
        if (ref.getCompressedLength() <= 0 || ref.getCompressedLength() > Integer.MAX_VALUE) {
          throw new InvalidTraceException(
              where + "compressed_length " + ref.getCompressedLength() + " is not in [1, 2^31)");
        }
        try {
          refKeys[r] = ChunkKeys.of(ref.getLayerIndex(), ref.getCompressedOffset());
        } catch (IllegalArgumentException ex) {
          throw new InvalidTraceException(where + ex.getMessage());
        }
        refTimes[r] = time;
        r++;
      }
    }
    long[] keys = uniqueSorted(refKeys);
    int[] firstAccess = new int[keys.length];
    Arrays.fill(firstAccess, Integer.MAX_VALUE);
    int[] lengths = new int[keys.length];
    String[] digests = new String[keys.length];
    r = 0;
    for (int e = 0; e < trace.getEventsCount(); e++) {
      AccessEvent event = trace.getEvents(e);
      for (int c = 0; c < event.getChunksCount(); c++) {
        ChunkRef ref = event.getChunks(c);
        int i = Arrays.binarySearch(keys, refKeys[r]);
        firstAccess[i] = (int) Math.min(firstAccess[i], Math.min(refTimes[r], Integer.MAX_VALUE));
        int length = (int) ref.getCompressedLength();
        if (lengths[i] == 0) {
          lengths[i] = length;
        } else if (lengths[i] != length) {
          throw new InvalidTraceException(
              "trace "
                  + traceId
                  + ": event "
                  + e
                  + " reads "
                  + ChunkKeys.describe(keys[i])
                  + " with compressed_length "
                  + length
                  + " but an earlier event says "
                  + lengths[i]);
        }
        String digest = ref.getChunkDigest();
        if (!digest.isEmpty()) {
          if (digests[i] == null) {
            digests[i] = digest;
          } else if (!digests[i].equals(digest)) {
            throw new InvalidTraceException(
                "trace "
                    + traceId
                    + ": event "
                    + e
                    + " gives "
                    + ChunkKeys.describe(keys[i])
                    + " chunk_digest "
                    + digest
                    + " but an earlier event says "
                    + digests[i]);
          }
        }
        r++;
      }
    }
    return new TraceProfile(
        traceId,
        trace.getApp(),
        trace.getManifestDigest(),
        List.copyOf(layers),
        facts(traceId, trace.getContext(), trace.getEventsCount(), receivedUnixMicros),
        keys,
        firstAccess,
        lengths,
        digests);
  }

  private static TraceFacts facts(
      String traceId, RecordingContext context, long eventCount, long receivedUnixMicros)
      throws InvalidTraceException {
    Readiness readiness = context.getReadiness();
    String kind =
        readiness.getKind() == Readiness.Kind.KIND_UNSPECIFIED
                || readiness.getKind() == Readiness.Kind.UNRECOGNIZED
            ? ""
            : readiness.getKind().name().toLowerCase(Locale.ROOT);
    if (readiness.getTimeToReadyMicros() < 0) {
      throw new InvalidTraceException(
          "trace "
              + traceId
              + ": time_to_ready_micros is negative: "
              + readiness.getTimeToReadyMicros());
    }
    if (context.getDroppedEvents() < 0) {
      throw new InvalidTraceException(
          "trace " + traceId + ": dropped_events is negative: " + context.getDroppedEvents());
    }
    long recorded = context.getStartWallTimeUnixMicros();
    if (recorded <= 0) {
      recorded = Math.max(0, receivedUnixMicros);
    }
    return new TraceFacts(
        kind,
        readiness.getReached(),
        readiness.getReached() ? readiness.getTimeToReadyMicros() : 0,
        context.getDroppedEvents(),
        context.getIncomplete(),
        recorded,
        eventCount);
  }

  /**
   * Builds a profile from its parts (for the codec, the mapper and tests), validating them: keys
   * strictly ascending and inside the image's layers, times non-negative, lengths positive. The
   * arrays are copied.
   *
   * @param chunkDigests one digest per key ({@code null} or empty entries for unknown), or {@code
   *     null} when none are known
   */
  public static TraceProfile create(
      String traceId,
      String app,
      String manifestDigest,
      List<String> layerDigests,
      TraceFacts facts,
      long[] chunkKeys,
      int[] firstAccessMicros,
      int[] compressedLengths,
      String[] chunkDigests)
      throws InvalidTraceException {
    requireId(traceId);
    Objects.requireNonNull(app, "app");
    Objects.requireNonNull(manifestDigest, "manifestDigest");
    Objects.requireNonNull(facts, "facts");
    List<String> layers = List.copyOf(layerDigests);
    int n = chunkKeys.length;
    if (firstAccessMicros.length != n
        || compressedLengths.length != n
        || (chunkDigests != null && chunkDigests.length != n)) {
      throw new InvalidTraceException(
          "trace " + traceId + ": chunk arrays differ in length (" + n + " keys)");
    }
    String[] digests = null;
    if (chunkDigests != null) {
      digests = new String[n];
      for (int i = 0; i < n; i++) {
        String d = chunkDigests[i];
        digests[i] = d == null || d.isEmpty() ? null : d;
      }
    }
    for (int i = 0; i < n; i++) {
      long key = chunkKeys[i];
      if (key < 0 || (i > 0 && key <= chunkKeys[i - 1])) {
        throw new InvalidTraceException(
            "trace " + traceId + ": chunk keys are not strictly ascending at index " + i);
      }
      if (!layers.isEmpty() && ChunkKeys.layerIndex(key) >= layers.size()) {
        throw new InvalidTraceException(
            "trace "
                + traceId
                + ": "
                + ChunkKeys.describe(key)
                + " is outside the image's "
                + layers.size()
                + " layers");
      }
      if (firstAccessMicros[i] < 0) {
        throw new InvalidTraceException(
            "trace " + traceId + ": " + ChunkKeys.describe(key) + " has a negative access time");
      }
      if (compressedLengths[i] <= 0) {
        throw new InvalidTraceException(
            "trace " + traceId + ": " + ChunkKeys.describe(key) + " has a non-positive length");
      }
    }
    return new TraceProfile(
        traceId,
        app,
        manifestDigest,
        layers,
        facts,
        chunkKeys.clone(),
        firstAccessMicros.clone(),
        compressedLengths.clone(),
        digests);
  }

  private static void requireId(String traceId) {
    Objects.requireNonNull(traceId, "traceId");
    if (traceId.isBlank()) {
      throw new IllegalArgumentException("traceId is blank");
    }
  }

  private static long[] uniqueSorted(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = 0;
    for (int i = 0; i < sorted.length; i++) {
      if (i == 0 || sorted[i] != sorted[i - 1]) {
        sorted[n++] = sorted[i];
      }
    }
    return Arrays.copyOf(sorted, n);
  }

  /** The same profile without chunk digests: what a {@link RankingState} keeps in memory. */
  public TraceProfile withoutChunkDigests() {
    if (digests == null) {
      return this;
    }
    return new TraceProfile(
        traceId, app, manifestDigest, layerDigests, facts, keys, firstAccess, lengths, null);
  }

  public String traceId() {
    return traceId;
  }

  public String app() {
    return app;
  }

  /** Digest of the image manifest the trace was recorded on. */
  public String manifestDigest() {
    return manifestDigest;
  }

  /** Layer blob digests of that image, in manifest order. */
  public List<String> layerDigests() {
    return layerDigests;
  }

  public TraceFacts facts() {
    return facts;
  }

  /** Compressed bytes of all distinct chunks the start read. */
  public long bytesRead() {
    return bytesRead;
  }

  public int chunkCount() {
    return keys.length;
  }

  public long chunkKey(int i) {
    return keys[i];
  }

  public int firstAccessMicros(int i) {
    return firstAccess[i];
  }

  public int compressedLength(int i) {
    return lengths[i];
  }

  /** The chunk's uncompressed digest, or an empty string when unknown or stripped. */
  public String chunkDigest(int i) {
    if (digests == null || digests[i] == null) {
      return "";
    }
    return digests[i];
  }

  /** Whether chunk digests are still attached (see {@link #withoutChunkDigests()}). */
  public boolean hasChunkDigests() {
    return digests != null;
  }

  /** Index of {@code key} in this profile, or a negative value when the trace did not read it. */
  public int indexOf(long key) {
    return Arrays.binarySearch(keys, key);
  }

  long[] keysArray() {
    return keys;
  }

  int[] firstAccessArray() {
    return firstAccess;
  }

  int[] lengthsArray() {
    return lengths;
  }

  String[] digestsArray() {
    return digests;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TraceProfile p
        && traceId.equals(p.traceId)
        && app.equals(p.app)
        && manifestDigest.equals(p.manifestDigest)
        && layerDigests.equals(p.layerDigests)
        && facts.equals(p.facts)
        && Arrays.equals(keys, p.keys)
        && Arrays.equals(firstAccess, p.firstAccess)
        && Arrays.equals(lengths, p.lengths)
        && Arrays.equals(digests, p.digests);
  }

  @Override
  public int hashCode() {
    return Objects.hash(traceId, manifestDigest, Arrays.hashCode(keys));
  }

  @Override
  public String toString() {
    return "TraceProfile[" + traceId + ", " + keys.length + " chunks, " + bytesRead + " bytes]";
  }
}
