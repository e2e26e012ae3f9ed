package dev.tracefetch.store.trace;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.ExtensionRegistryLite;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.tracefetch.api.v1.FileEntry;
import dev.tracefetch.api.v1.LayerDescriptor;
import dev.tracefetch.api.v1.RecordingContext;
import dev.tracefetch.api.v1.Trace;
import dev.tracefetch.planner.ChunkDigestTable;
import dev.tracefetch.planner.ExtractedProfile;
import dev.tracefetch.planner.InvalidTraceException;
import dev.tracefetch.planner.ProfileExtractor;
import dev.tracefetch.planner.TraceFacts;
import dev.tracefetch.planner.TraceProfile;
import dev.tracefetch.store.error.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A trace payload read field by field, keeping only what the store needs: the header fields, the
 * file table's layer indexes, and per event its time, file and chunk references (chunk digests as
 * slices of the payload).
 *
 * <p>Why it exists: building the {@link Trace} message tree of a 20,000-event trace, extracting the
 * ranking profile from it and encoding that again was most of the CPU an upload cost. Scanning the
 * payload once and handing the chunk references to a {@link ProfileExtractor} does the same work
 * without the tree. It accepts exactly the payloads {@code Trace.parser()} accepts (unknown fields
 * skipped, repeated messages merged, strings checked for UTF-8), and {@link #metadata} / {@link
 * #profile} refuse the same traces with the same messages as the message-based checks did.
 */
final class ScannedTrace {
  private static final ExtensionRegistryLite NO_EXTENSIONS =
      ExtensionRegistryLite.getEmptyRegistry();

  // Trace field tags (field number << 3 | wire type).
  private static final int APP = 10;
  private static final int IMAGE_REFERENCE = 18;
  private static final int MANIFEST_DIGEST = 26;
  private static final int LAYERS = 34;
  private static final int CONTEXT = 42;
  private static final int FILES = 50;
  private static final int EVENTS = 58;
  // AccessEvent
  private static final int EVENT_TIME = 8;
  private static final int EVENT_KIND = 16;
  private static final int EVENT_FILE = 24;
  private static final int EVENT_OFFSET = 32;
  private static final int EVENT_LENGTH = 40;
  private static final int EVENT_CHUNKS = 50;
  private static final int EVENT_PID = 56;
  private static final int EVENT_COMM = 66;
  // ChunkRef
  private static final int CHUNK_LAYER = 8;
  private static final int CHUNK_OFFSET = 16;
  private static final int CHUNK_LENGTH = 24;
  private static final int CHUNK_DIGEST = 34;

  private final byte[] payload;
  private String app = "";
  private String imageReference = "";
  private String manifestDigest = "";
  private final List<String> layerDigests = new ArrayList<>();
  private final RecordingContext.Builder context = RecordingContext.newBuilder();
  private int[] fileLayers = new int[64];
  private int fileCount;
  private ScanBuffers buffers;
  private int eventCount;
  private int refCount;

  private ScannedTrace(byte[] payload) {
    this.payload = payload;
    this.buffers = ScanBuffers.take(Math.max(16, payload.length / 96));
  }

  /**
   * Scans a decompressed trace payload. Call {@link #release} once the metadata and profile have
   * been taken.
   *
   * @throws InvalidProtocolBufferException when it is not a valid {@code Trace} message
   */
  static ScannedTrace scan(byte[] payload) throws InvalidProtocolBufferException {
    ScannedTrace scanned = new ScannedTrace(payload);
    try {
      scanned.readTrace();
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      scanned.release();
      throw e;
    }
    return scanned;
  }

  /** Scans a decoded trace (for tests and tools that hold messages). */
  static ScannedTrace scan(Trace trace) {
    try {
      return scan(trace.toByteArray());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("a serialised message must parse", e);
    }
  }

  /*
   * The events, by far the bulk of a payload, are read by hand with plain loops over the array:
   * without CodedInputStream's call and limit bookkeeping per field a scan takes about 15% less
   * CPU. The rules are CodedInputStream's: varints of at most 10 bytes (32-bit ones keep their low
   * bits), tags with field number 0 refused, nested lengths within the enclosing message, an
   * end-group tag where a message should end refused, groups skipped by CodedInputStream itself;
   * the small header messages (layers, context, file table) go to the generated parsers.
   */
  private int pos;

  private void readTrace() throws InvalidProtocolBufferException {
    int end = payload.length;
    while (pos < end) {
      int tag = readTag(end);
      switch (tag) {
        case APP -> app = readString(end);
        case IMAGE_REFERENCE -> imageReference = readString(end);
        case MANIFEST_DIGEST -> manifestDigest = readString(end);
        case LAYERS -> {
          int length = readLength(end);
          layerDigests.add(
              LayerDescriptor.parser().parseFrom(payload, pos, length, NO_EXTENSIONS).getDigest());
          pos += length;
        }
        case CONTEXT -> {
          int length = readLength(end);
          context.mergeFrom(payload, pos, length, NO_EXTENSIONS);
          pos += length;
        }
        case FILES -> {
          int length = readLength(end);
          addFile(
              FileEntry.parser().parseFrom(payload, pos, length, NO_EXTENSIONS).getLayerIndex());
          pos += length;
        }
        case EVENTS -> readEvent(readLength(end));
        default -> skipField(tag, end);
      }
    }
  }

  private void readEvent(int length) throws InvalidProtocolBufferException {
    int end = pos + length;
    int e = eventCount;
    ScanBuffers b = buffers;
    if (e == b.eventTimes.length) {
      b.growEvents(e);
    }
    long time = 0;
    int file = 0;
    long offset = 0;
    long readLength = 0;
    int chunks = 0;
    while (pos < end) {
      int tag = readTag(end);
      switch (tag) {
        case EVENT_TIME -> time = readVarint64(end);
        case EVENT_KIND, EVENT_PID -> readVarint64(end);
        case EVENT_FILE -> file = (int) readVarint64(end);
        case EVENT_OFFSET -> offset = readVarint64(end);
        case EVENT_LENGTH -> readLength = readVarint64(end);
        case EVENT_CHUNKS -> readChunk(readLength(end), e, chunks++);
        case EVENT_COMM -> {
          int n = readLength(end);
          requireUtf8(pos, n);
          pos += n;
        }
        default -> skipField(tag, end);
      }
    }
    b.eventTimes[e] = time;
    b.eventFiles[e] = file;
    b.eventNegative[e] = offset < 0 || readLength < 0;
    eventCount++;
  }

  private void readChunk(int length, int event, int chunk) throws InvalidProtocolBufferException {
    int end = pos + length;
    int r = refCount;
    ScanBuffers b = buffers;
    if (r == b.refEvents.length) {
      b.growReferences(r);
    }
    int layer = 0;
    long offset = 0;
    long compressedLength = 0;
    int digestOffset = 0;
    int digestLength = 0;
    boolean raw = false;
    while (pos < end) {
      int tag = readTag(end);
      switch (tag) {
        case CHUNK_LAYER -> layer = (int) readVarint64(end);
        case CHUNK_OFFSET -> offset = readVarint64(end);
        case CHUNK_LENGTH -> compressedLength = readVarint64(end);
        case CHUNK_DIGEST -> {
          digestLength = readLength(end);
          digestOffset = pos;
          pos += digestLength;
          // The usual sha256:<hex> digest is decoded now, while its bytes are in the cache (it is
          // ASCII, so valid UTF-8); the profile would otherwise read it again, scattered over the
          // payload, in chunk order.
          raw = ProfileExtractor.decodeSha256(payload, digestOffset, digestLength, b.rawDigests, r);
          if (!raw) {
            requireUtf8(digestOffset, digestLength);
          }
        }
        default -> skipField(tag, end);
      }
    }
    b.refEvents[r] = event;
    b.refChunks[r] = chunk;
    b.refLayers[r] = layer;
    b.refOffsets[r] = offset;
    b.refLengths[r] = compressedLength;
    b.refDigestOffsets[r] = digestOffset;
    b.refDigestLengths[r] = digestLength;
    b.refRawDigest[r] = raw;
    refCount++;
  }

  /** A varint of at most 10 bytes before {@code end}; a 32-bit field keeps its low 32 bits. */
  private long readVarint64(int end) throws InvalidProtocolBufferException {
    byte[] buf = payload;
    int p = pos;
    if (p < end && buf[p] >= 0) {
      pos = p + 1;
      return buf[p];
    }
    long result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p >= end) {
        throw truncated(p);
      }
      byte b = buf[p++];
      result |= (long) (b & 0x7F) << shift;
      if (b >= 0) {
        pos = p;
        return result;
      }
    }
    throw new InvalidProtocolBufferException(
        "malformed varint at byte " + pos + " of the trace payload");
  }

  /** A field's tag; the message ends at {@code end}, so this is never called there. */
  private int readTag(int end) throws InvalidProtocolBufferException {
    int start = pos;
    int tag = (int) readVarint64(end);
    if (tag >>> 3 == 0) {
      throw new InvalidProtocolBufferException(
          "invalid tag (field number 0) at byte " + start + " of the trace payload");
    }
    return tag;
  }

  /** The length of a string, bytes or message field, which must fit before {@code end}. */
  private int readLength(int end) throws InvalidProtocolBufferException {
    int length = (int) readVarint64(end);
    if (length < 0) {
      throw negativeSize();
    }
    if (length > end - pos) {
      throw truncated(end);
    }
    return length;
  }

  private String readString(int end) throws InvalidProtocolBufferException {
    int length = readLength(end);
    requireUtf8(pos, length);
    String value = new String(payload, pos, length, StandardCharsets.UTF_8);
    pos += length;
    return value;
  }

  /** Skips an unknown field (or a known field number with an unexpected wire type). */
  private void skipField(int tag, int end) throws InvalidProtocolBufferException {
    switch (tag & 7) {
      case 0 -> readVarint64(end);
      case 1 -> skipRaw(8, end);
      case 2 -> skipRaw(readLength(end), end);
      case 5 -> skipRaw(4, end);
      case 3 -> {
        // A group: rare enough to let CodedInputStream skip it, by its rules.
        CodedInputStream in = CodedInputStream.newInstance(payload, pos, end - pos);
        try {
          if (!in.skipField(tag)) {
            throw endGroup();
          }
        } catch (InvalidProtocolBufferException e) {
          throw e;
        } catch (java.io.IOException e) {
          throw new InvalidProtocolBufferException(e);
        }
        pos += in.getTotalBytesRead();
      }
      case 4 -> throw endGroup();
      default ->
          throw new InvalidProtocolBufferException(
              "invalid wire type " + (tag & 7) + " at byte " + pos + " of the trace payload");
    }
  }

  private void skipRaw(int length, int end) throws InvalidProtocolBufferException {
    if (length > end - pos) {
      throw truncated(end);
    }
    pos += length;
  }

  private void addFile(int layer) {
    if (fileCount == fileLayers.length) {
      fileLayers = Arrays.copyOf(fileLayers, fileCount * 2);
    }
    fileLayers[fileCount++] = layer;
  }

  private static InvalidProtocolBufferException endGroup() {
    return new InvalidProtocolBufferException(
        "Protocol message end-group tag did not match expected tag.");
  }

  private static InvalidProtocolBufferException truncated(int at) {
    return new InvalidProtocolBufferException(
        "the trace payload ends in the middle of a field (byte "
            + at
            + "): it is truncated, or an embedded message misreports its length");
  }

  private static InvalidProtocolBufferException negativeSize() {
    return new InvalidProtocolBufferException(
        "CodedInputStream encountered an embedded string or message which claimed to have"
            + " negative size.");
  }

  /** Proto3 strings must be UTF-8, as the generated parser insists; ASCII is checked fast. */
  private void requireUtf8(int offset, int length) throws InvalidProtocolBufferException {
    for (int i = offset; i < offset + length; i++) {
      if (payload[i] < 0) {
        if (!ByteString.copyFrom(payload, offset, length).isValidUtf8()) {
          throw new InvalidProtocolBufferException("Protocol message had invalid UTF-8.");
        }
        return;
      }
    }
  }

  /**
   * The columns the store keeps about the trace, after the checks that a well-formed trace makes
   * sense (names, digests, events pointing at existing files and layers).
   *
   * @throws InvalidInputException naming the first thing that is wrong
   */
  TraceMetadata metadata(byte[] fileBytes) {
    TraceMetadata.checkHeader(app, manifestDigest, imageReference, context);
    checkEvents();
    return TraceMetadata.of(
        app, imageReference, manifestDigest, context, fileCount, eventCount, fileBytes);
  }

  private void checkEvents() {
    int layers = layerDigests.size();
    for (int f = 0; f < fileCount; f++) {
      int layer = fileLayers[f];
      if (layer < 0 || (layers > 0 && layer >= layers)) {
        throw new InvalidInputException(
            "Invalid trace",
            "file " + f + " is in layer " + layer + " but the trace lists " + layers + " layers");
      }
    }
    ScanBuffers b = buffers;
    int r = 0;
    for (int e = 0; e < eventCount; e++) {
      int file = b.eventFiles[e];
      if (file < 0 || file >= fileCount) {
        throw new InvalidInputException(
            "Invalid trace",
            "event "
                + e
                + " refers to file "
                + file
                + " but the trace has "
                + fileCount
                + " files");
      }
      if (b.eventTimes[e] < 0 || b.eventNegative[e]) {
        throw new InvalidInputException(
            "Invalid trace", "event " + e + " has a negative time offset, offset or length");
      }
      for (; r < refCount && b.refEvents[r] == e; r++) {
        if (b.refLayers[r] < 0 || b.refLayers[r] >= layers) {
          throw new InvalidInputException(
              "Invalid trace",
              "event "
                  + e
                  + " reads a chunk of layer "
                  + b.refLayers[r]
                  + " but the trace lists "
                  + layers
                  + " layers");
        }
        if (b.refOffsets[r] < 0 || b.refLengths[r] <= 0) {
          throw new InvalidInputException(
              "Invalid trace",
              "event " + e + " reads a chunk with a negative offset or non-positive length");
        }
      }
    }
  }

  /**
   * The encoded ranking profile of the trace ({@code TraceProfileCodec} format).
   *
   * @param traceId the id the store gives the trace
   * @param receivedUnixMicros when the store received it (stands in for an unknown recording time)
   * @throws InvalidInputException when chunk references contradict each other
   */
  byte[] profile(String traceId, long receivedUnixMicros) {
    return profile(traceId, receivedUnixMicros, null).profile();
  }

  /**
   * The profile, leaving out the chunk digests {@code image} has and returning those it lacks (see
   * {@link ProfileExtractor#encode(String, String, List, TraceFacts, ChunkDigestTable)}).
   *
   * @param image the image's digest table, or null to keep every digest in the profile
   */
  ExtractedProfile profile(String traceId, long receivedUnixMicros, ChunkDigestTable image) {
    ScanBuffers b = buffers;
    try {
      ProfileExtractor extractor =
          new ProfileExtractor(traceId, layerDigests.size(), payload, b.rawDigests, refCount);
      for (int r = 0; r < refCount; r++) {
        extractor.add(
            b.refEvents[r],
            b.refChunks[r],
            b.eventTimes[b.refEvents[r]],
            b.refLayers[r],
            b.refOffsets[r],
            b.refLengths[r],
            b.refDigestOffsets[r],
            b.refDigestLengths[r],
            b.refRawDigest[r] ? r : -1);
      }
      return extractor.encode(
          app,
          manifestDigest,
          layerDigests,
          TraceProfile.facts(traceId, context.build(), eventCount, receivedUnixMicros),
          image);
    } catch (InvalidTraceException e) {
      throw new InvalidInputException("Invalid trace", e.getMessage(), e);
    }
  }

  /**
   * Hands the scan's working arrays back for the next scan: after this, only {@link #app}, {@link
   * #manifestDigest} and {@link #eventCount} may be called. Calling it again does nothing.
   */
  void release() {
    ScanBuffers b = buffers;
    buffers = null;
    if (b != null) {
      b.release();
    }
  }

  String app() {
    return app;
  }

  String manifestDigest() {
    return manifestDigest;
  }

  int eventCount() {
    return eventCount;
  }
}
