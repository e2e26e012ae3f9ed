package dev.tracefetch.planner;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Builds the stored form of a trace profile ({@link TraceProfileCodec}) straight from the chunk
 * references a parser meets while scanning a trace file, without a {@code Trace} message tree and
 * without a {@link TraceProfile} in between.
 *
 * <p>Why it exists: decoding a 20,000-event trace into messages, extracting its profile and
 * encoding that again cost about 30 ms of CPU per upload, most of it spent creating and re-parsing
 * one digest string per chunk. Here a chunk digest stays a slice of the parser's buffer until it is
 * written (as 32 raw bytes for {@code sha256:<hex>}). The result is byte for byte what {@code
 * TraceProfileCodec.encode(TraceProfile.of(trace))} gives, and it refuses the same traces with the
 * same messages.
 *
 * <p>Not thread-safe; one instance per trace.
 */
public final class ProfileExtractor {
  private final String traceId;
  private final int layerCount;
  private final byte[] buffer;
  private final byte[] rawDigests;
  private long[] keys;
  private int[] times;
  private int[] lengths;
  private int[] events;
  private int[] digestOffsets; // -1: no digest
  private int[] digestLengths;
  private int[] rawIndexes; // -1: digest not decoded by the caller
  private int size;

  /**
   * @param traceId the store's id for the trace (in messages and in the profile)
   * @param layerCount layers the trace lists (0: unknown, not checked)
   * @param buffer the bytes digest slices passed to {@link #add} point into
   * @param expectedReferences a capacity hint
   */
  public ProfileExtractor(String traceId, int layerCount, byte[] buffer, int expectedReferences) {
    this(traceId, layerCount, buffer, new byte[0], expectedReferences);
  }

  /**
   * @param rawDigests 32-byte chunk digests the caller decoded itself with {@link #decodeSha256}
   *     while the bytes were at hand (see {@link #add(int, int, long, int, long, long, int, int,
   *     int)}): reading the digest slices again here, scattered over a large buffer, costs more
   *     than decoding them
   */
  public ProfileExtractor(
      String traceId, int layerCount, byte[] buffer, byte[] rawDigests, int expectedReferences) {
    TraceProfile.requireId(traceId);
    this.traceId = traceId;
    this.layerCount = layerCount;
    this.buffer = Objects.requireNonNull(buffer, "buffer");
    this.rawDigests = Objects.requireNonNull(rawDigests, "rawDigests");
    int capacity = Math.max(16, expectedReferences);
    keys = new long[capacity];
    times = new int[capacity];
    lengths = new int[capacity];
    events = new int[capacity];
    digestOffsets = new int[capacity];
    digestLengths = new int[capacity];
    rawIndexes = new int[capacity];
  }

  /**
   * Decodes a chunk digest's UTF-8 slice into 32 bytes at {@code out[32 * index]} when it is a
   * lower-case {@code sha256:<64 hex>} digest (the form stored as raw bytes), for {@link #add(int,
   * int, long, int, long, long, int, int, int)}; returns false otherwise.
   */
  public static boolean decodeSha256(byte[] bytes, int offset, int length, byte[] out, int index) {
    return TraceProfileCodec.sha256Raw(bytes, offset, length, out, 32 * index);
  }

  /**
   * Adds the chunk reference number {@code chunk} of event number {@code event}, in trace order.
   *
   * @param digestOffset where the chunk digest's UTF-8 bytes start in the buffer
   * @param digestLength their length; 0 when the trace gives no digest
   * @throws InvalidTraceException when the reference is malformed (as {@link TraceProfile#of})
   */
  public void add(
      int event,
      int chunk,
      long timeMicros,
      int layer,
      long offset,
      long length,
      int digestOffset,
      int digestLength)
      throws InvalidTraceException {
    add(event, chunk, timeMicros, layer, offset, length, digestOffset, digestLength, -1);
  }

  /**
   * As {@link #add(int, int, long, int, long, long, int, int)}, with the digest also decoded by
   * {@link #decodeSha256} into the raw digests at {@code rawIndex} ({@code -1}: not decoded).
   */
  public void add(
      int event,
      int chunk,
      long timeMicros,
      int layer,
      long offset,
      long length,
      int digestOffset,
      int digestLength,
      int rawIndex)
      throws InvalidTraceException {
    if (timeMicros < 0) {
      throw TraceProfile.invalid(
          traceId, event, chunk, "time_offset_micros is negative: " + timeMicros);
    }
    if (layerCount > 0 && layer >= layerCount) {
      throw TraceProfile.invalid(
          traceId,
          event,
          chunk,
          "layer_index " + layer + " is outside the image's " + layerCount + " layers");
    }
    if (length <= 0 || length > Integer.MAX_VALUE) {
      throw TraceProfile.invalid(
          traceId, event, chunk, "compressed_length " + length + " is not in [1, 2^31)");
    }
    if (layer < 0
        || layer > ChunkKeys.MAX_LAYER_INDEX
        || offset < 0
        || offset > ChunkKeys.MAX_OFFSET) {
      throw TraceProfile.invalid(
          traceId,
          event,
          chunk,
          "layer_index " + layer + " / compressed_offset " + offset + " out of range");
    }
    if (digestOffset < 0 || digestLength < 0 || digestOffset + digestLength > buffer.length) {
      throw new IllegalArgumentException(
          "digest slice [" + digestOffset + ", +" + digestLength + ") outside the buffer");
    }
    if (rawIndex >= 0 && (digestLength == 0 || 32L * rawIndex + 32 > rawDigests.length)) {
      throw new IllegalArgumentException("raw digest " + rawIndex + " outside the raw digests");
    }
    if (size == keys.length) {
      grow();
    }
    keys[size] = ChunkKeys.of(layer, offset);
    times[size] = (int) Math.min(timeMicros, Integer.MAX_VALUE);
    lengths[size] = (int) length;
    events[size] = event;
    digestOffsets[size] = digestLength == 0 ? -1 : digestOffset;
    digestLengths[size] = digestLength;
    rawIndexes[size] = rawIndex;
    size++;
  }

  private void grow() {
    int capacity = keys.length * 2;
    keys = Arrays.copyOf(keys, capacity);
    times = Arrays.copyOf(times, capacity);
    lengths = Arrays.copyOf(lengths, capacity);
    events = Arrays.copyOf(events, capacity);
    digestOffsets = Arrays.copyOf(digestOffsets, capacity);
    digestLengths = Arrays.copyOf(digestLengths, capacity);
    rawIndexes = Arrays.copyOf(rawIndexes, capacity);
  }

  /** Chunk references added so far. */
  public int referenceCount() {
    return size;
  }

  /**
   * Folds the references into distinct chunks and encodes the profile.
   *
   * @throws InvalidTraceException when two references to one chunk disagree about its length or
   *     digest (as {@link TraceProfile#of})
   */
  public byte[] encode(
      String app, String manifestDigest, List<String> layerDigests, TraceFacts facts)
      throws InvalidTraceException {
    return encode(app, manifestDigest, layerDigests, facts, null).profile();
  }

  /**
   * As {@link #encode(String, String, List, TraceFacts)}, but leaves out of the profile every
   * {@code sha256} chunk digest that {@code image} already holds, and every one it lacks, which are
   * returned instead to be added to the image's table once the profile is stored. A digest that
   * contradicts the table's stays in the profile, so that ranking can still see the contradiction.
   *
   * @param image the image's digest table, or null to keep every digest in the profile
   */
  public ExtractedProfile encode(
      String app,
      String manifestDigest,
      List<String> layerDigests,
      TraceFacts facts,
      ChunkDigestTable image)
      throws InvalidTraceException {
    Objects.requireNonNull(app, "app");
    Objects.requireNonNull(manifestDigest, "manifestDigest");
    Objects.requireNonNull(facts, "facts");
    int[] positions = new int[size];
    long[] distinct = TraceProfile.sortedPositions(Arrays.copyOf(keys, size), positions);
    int n = distinct.length;
    int[] firstAccess = new int[n];
    Arrays.fill(firstAccess, Integer.MAX_VALUE);
    int[] chunkLengths = new int[n];
    int[] digestRef = new int[n];
    Arrays.fill(digestRef, -1);
    for (int r = 0; r < size; r++) {
      int i = positions[r];
      if (times[r] < firstAccess[i]) {
        firstAccess[i] = times[r];
      }
      if (chunkLengths[i] == 0) {
        chunkLengths[i] = lengths[r];
      } else if (chunkLengths[i] != lengths[r]) {
        throw new InvalidTraceException(
            "trace "
                + traceId
                + ": event "
                + events[r]
                + " reads "
                + ChunkKeys.describe(distinct[i])
                + " with compressed_length "
                + lengths[r]
                + " but an earlier event says "
                + chunkLengths[i]);
      }
      if (digestOffsets[r] >= 0) {
        int known = digestRef[i];
        if (known < 0) {
          digestRef[i] = r;
        } else if (!sameDigest(known, r)) {
          throw new InvalidTraceException(
              "trace "
                  + traceId
                  + ": event "
                  + events[r]
                  + " gives "
                  + ChunkKeys.describe(distinct[i])
                  + " chunk_digest "
                  + digestText(r)
                  + " but an earlier event says "
                  + digestText(known));
        }
      }
    }
    int[] offsets = new int[n];
    int[] digestLens = new int[n];
    int[] raws = new int[n];
    for (int i = 0; i < n; i++) {
      int r = digestRef[i];
      offsets[i] = r < 0 ? -1 : digestOffsets[r];
      digestLens[i] = r < 0 ? 0 : digestLengths[r];
      raws[i] = r < 0 ? -1 : rawIndexes[r];
    }
    byte[] raw = rawDigests;
    long[] newKeys = new long[0];
    byte[] newDigests = new byte[0];
    if (image != null) {
      raw = decodeRemainingSha256(offsets, digestLens, raws, n);
      int[] rawOffsets = new int[n];
      for (int i = 0; i < n; i++) {
        rawOffsets[i] = raws[i] < 0 ? -1 : 32 * raws[i];
      }
      byte[] status = new byte[n];
      image.classify(distinct, raw, rawOffsets, n, status);
      int fresh = 0;
      for (int i = 0; i < n; i++) {
        if (raws[i] >= 0 && status[i] == ChunkDigestTable.UNKNOWN) {
          fresh++;
        }
      }
      newKeys = new long[fresh];
      newDigests = new byte[32 * fresh];
      int f = 0;
      for (int i = 0; i < n; i++) {
        if (raws[i] < 0 || status[i] == ChunkDigestTable.DIFFERENT) {
          continue; // no digest, one kept verbatim, or a contradiction: stays in the profile
        }
        if (status[i] == ChunkDigestTable.UNKNOWN) {
          newKeys[f] = distinct[i];
          System.arraycopy(raw, 32 * raws[i], newDigests, 32 * f, 32);
          f++;
        }
        offsets[i] = -1;
        raws[i] = -1;
      }
    }
    byte[] profile =
        TraceProfileCodec.encodeRaw(
            traceId,
            app,
            manifestDigest,
            layerDigests,
            facts,
            distinct,
            firstAccess,
            chunkLengths,
            buffer,
            offsets,
            digestLens,
            raw,
            raws);
    return new ExtractedProfile(profile, newKeys, newDigests);
  }

  /**
   * The raw digests with every {@code sha256:<hex>} digest the caller did not decode appended and
   * {@code raws} pointing at it; the caller's array itself when it decoded them all (the usual
   * case).
   */
  private byte[] decodeRemainingSha256(int[] offsets, int[] lengths, int[] raws, int n) {
    int missing = 0;
    for (int i = 0; i < n; i++) {
      if (raws[i] < 0 && offsets[i] >= 0) {
        missing++;
      }
    }
    if (missing == 0) {
      return rawDigests;
    }
    int next = rawDigests.length / 32;
    byte[] raw = Arrays.copyOf(rawDigests, 32 * (next + missing));
    for (int i = 0; i < n; i++) {
      if (raws[i] < 0
          && offsets[i] >= 0
          && TraceProfileCodec.sha256Raw(buffer, offsets[i], lengths[i], raw, 32 * next)) {
        raws[i] = next++;
      }
    }
    return raw;
  }

  private boolean sameDigest(int a, int b) {
    int rawA = rawIndexes[a];
    int rawB = rawIndexes[b];
    if (rawA >= 0 && rawB >= 0) {
      // Both lower-case sha256:<hex>: equal text exactly when the decoded bytes are equal.
      return ChunkDigestTable.sameDigest(rawDigests, 32 * rawA, rawDigests, 32 * rawB);
    }
    return Arrays.equals(
        buffer,
        digestOffsets[a],
        digestOffsets[a] + digestLengths[a],
        buffer,
        digestOffsets[b],
        digestOffsets[b] + digestLengths[b]);
  }

  private String digestText(int r) {
    return new String(buffer, digestOffsets[r], digestLengths[r], StandardCharsets.UTF_8);
  }
}
