package dev.tracefetch.planner;

import com.google.protobuf.ByteString;
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
    // One pass over the events into flat arrays, then everything works on those.
    long[] refKeys = new long[refCount];
    int[] refTimes = new int[refCount];
    int[] refLengths = new int[refCount];
    int[] refEvents = new int[refCount];
    ByteString[] refDigests = new ByteString[refCount];
    int r = 0;
    for (int e = 0; e < trace.getEventsCount(); e++) {
      AccessEvent event = trace.getEvents(e);
      long time = event.getTimeOffsetMicros();
      for (int c = 0; c < event.getChunksCount(); c++) {
        ChunkRef ref = event.getChunks(c);
        if (time < 0) {
          throw invalid(traceId, e, c, "time_offset_micros is negative: " + time);
        }
        int layer = ref.getLayerIndex();
        if (!layers.isEmpty() && layer >= layers.size()) {
          throw invalid(
              traceId,
              e,
              c,
              "layer_index " + layer + " is outside the image's " + layers.size() + " layers");
        }
        long length = ref.getCompressedLength();
        if (length <= 0 || length > Integer.MAX_VALUE) {
          throw invalid(traceId, e, c, "compressed_length " + length + " is not in [1, 2^31)");
        }
        long offset = ref.getCompressedOffset();
        if (layer < 0
            || layer > ChunkKeys.MAX_LAYER_INDEX
            || offset < 0
            || offset > ChunkKeys.MAX_OFFSET) {
          throw invalid(
              traceId,
              e,
              c,
              "layer_index " + layer + " / compressed_offset " + offset + " out of range");
        }
        refKeys[r] = ChunkKeys.of(layer, offset);
        refTimes[r] = (int) Math.min(time, Integer.MAX_VALUE);
        refLengths[r] = (int) length;
        refEvents[r] = e;
        refDigests[r] = ref.getChunkDigestBytes();
        r++;
      }
    }
    // Distinct keys in key order, and for each reference the position of its key.
    int[] refPositions = new int[refCount];
    long[] keys = sortedPositions(refKeys, refPositions);
    int[] firstAccess = new int[keys.length];
    Arrays.fill(firstAccess, Integer.MAX_VALUE);
    int[] lengths = new int[keys.length];
    ByteString[] rawDigests = new ByteString[keys.length];
    for (r = 0; r < refCount; r++) {
      int i = refPositions[r];
      if (refTimes[r] < firstAccess[i]) {
        firstAccess[i] = refTimes[r];
      }
      if (lengths[i] == 0) {
        lengths[i] = refLengths[r];
      } else if (lengths[i] != refLengths[r]) {
        throw new InvalidTraceException(
            "trace "
                + traceId
                + ": event "
                + refEvents[r]
                + " reads "
                + ChunkKeys.describe(keys[i])
                + " with compressed_length "
                + refLengths[r]
                + " but an earlier event says "
                + lengths[i]);
      }
      ByteString digest = refDigests[r];
      if (!digest.isEmpty()) {
        if (rawDigests[i] == null) {
          rawDigests[i] = digest;
        } else if (!rawDigests[i].equals(digest)) {
          throw new InvalidTraceException(
              "trace "
                  + traceId
                  + ": event "
                  + refEvents[r]
                  + " gives "
                  + ChunkKeys.describe(keys[i])
                  + " chunk_digest "
                  + digest.toStringUtf8()
                  + " but an earlier event says "
                  + rawDigests[i].toStringUtf8());
        }
      }
    }
    String[] digests = new String[keys.length];
    for (int i = 0; i < keys.length; i++) {
      digests[i] = rawDigests[i] == null ? null : rawDigests[i].toStringUtf8();
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

  static InvalidTraceException invalid(String traceId, int event, int chunk, String what) {
    return new InvalidTraceException(
        "trace " + traceId + ": event " + event + " chunk " + chunk + ": " + what);
  }

  /**
   * The recording facts of a trace from its context, validated as {@link #of} does; for readers
   * that scan trace files without building the whole message (see {@link ProfileExtractor}).
   */
  public static TraceFacts facts(
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

  static void requireId(String traceId) {
    Objects.requireNonNull(traceId, "traceId");
    if (traceId.isBlank()) {
      throw new IllegalArgumentException("traceId is blank");
    }
  }

  /**
   * Returns the distinct values of {@code values}, sorted, and stores in {@code positions[r]} the
   * index of {@code values[r]} in that result. A hash table finds each value's distinct slot in
   * O(1) (a binary search per reference was a quarter of extraction time); only the distinct values
   * are sorted and searched.
   */
  private static int hash(long value) {
    long m = value * 0x9E3779B97F4A7C15L;
    return (int) (m ^ (m >>> 32));
  }

  static long[] sortedPositions(long[] values, int[] positions) {
    int capacity = Integer.highestOneBit(Math.max(4, values.length * 2 - 1)) << 1;
    int mask = capacity - 1;
    long[] tableKeys = new long[capacity];
    int[] tableSlots = new int[capacity];
    Arrays.fill(tableSlots, -1);
    long[] distinct = new long[values.length];
    int n = 0;
    for (int r = 0; r < values.length; r++) {
      long value = values[r];
      int h = hash(value) & mask;
      while (tableSlots[h] >= 0 && tableKeys[h] != value) {
        h = (h + 1) & mask;
      }
      if (tableSlots[h] < 0) {
        tableKeys[h] = value;
        tableSlots[h] = n;
        distinct[n++] = value;
      }
      positions[r] = tableSlots[h];
    }
    long[] sorted = Arrays.copyOf(distinct, n);
    LongSort.sort(sorted);
    int[] slotToPosition = new int[n];
    for (int p = 0; p < n; p++) {
      long value = sorted[p];
      int h = hash(value) & mask;
      while (tableKeys[h] != value || tableSlots[h] < 0) {
        h = (h + 1) & mask;
      }
      slotToPosition[tableSlots[h]] = p;
    }
    for (int r = 0; r < values.length; r++) {
      positions[r] = slotToPosition[positions[r]];
    }
    return sorted;
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
