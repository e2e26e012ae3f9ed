package dev.tracefetch.store.trace;

import dev.tracefetch.api.files.ContentDigest;
import dev.tracefetch.api.v1.AccessEvent;
import dev.tracefetch.api.v1.ChunkRef;
import dev.tracefetch.api.v1.RecordingContext;
import dev.tracefetch.api.v1.Trace;
import dev.tracefetch.store.error.InvalidInputException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What the store keeps about a trace besides its file: the columns that list, rank and route it.
 * Built by {@link #of}, which also rejects traces that are well-formed protobuf but make no sense
 * (no app, a bad digest, events pointing at files or layers that do not exist), so that nothing
 * downstream has to defend against them.
 */
public record TraceMetadata(
    String app,
    String imageReference,
    String manifestDigest,
    String contentDigest,
    long fileSize,
    long eventCount,
    int fileCount,
    boolean readinessReached,
    boolean incomplete,
    long droppedEvents,
    long durationMicros,
    Optional<Instant> recordedAt,
    String host,
    String recordingMode) {

  /** App names appear in URLs and token patterns: keep them simple. */
  public static final Pattern APP_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  /** OCI image-spec digest grammar: {@code algorithm:encoded}. */
  public static final Pattern DIGEST =
      Pattern.compile("[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,256}");

  private static final int MAX_TEXT = 1024;

  public static TraceMetadata of(Trace trace, byte[] fileBytes) {
    checkApp(trace.getApp());
    checkDigest(trace.getManifestDigest());
    checkText("image_reference", trace.getImageReference());
    RecordingContext context = trace.getContext();
    checkText("context.host", context.getHost());
    checkText("context.mode", context.getMode());
    checkEvents(trace);
    long startMicros = context.getStartWallTimeUnixMicros();
    return new TraceMetadata(
        trace.getApp(),
        trace.getImageReference(),
        trace.getManifestDigest(),
        ContentDigest.of(fileBytes),
        fileBytes.length,
        trace.getEventsCount(),
        trace.getFilesCount(),
        context.getReadiness().getReached(),
        context.getIncomplete(),
        context.getDroppedEvents(),
        context.getDurationMicros(),
        startMicros > 0
            ? Optional.of(Instant.EPOCH.plus(startMicros, ChronoUnit.MICROS))
            : Optional.empty(),
        context.getHost(),
        context.getMode());
  }

  public static void checkApp(String app) {
    if (!APP_NAME.matcher(app).matches()) {
      throw new InvalidInputException(
          "Invalid app name",
          app.isEmpty()
              ? "the trace has no app name"
              : "app name '"
                  + app
                  + "' must be 1-128 letters, digits, '.', '_' or '-', starting with a letter or"
                  + " digit");
    }
  }

  public static void checkDigest(String digest) {
    if (!DIGEST.matcher(digest).matches()) {
      throw new InvalidInputException(
          "Invalid manifest digest",
          digest.isEmpty()
              ? "the trace has no image manifest digest"
              : "manifest digest '" + digest + "' is not an OCI digest like sha256:<64 hex>");
    }
  }

  private static void checkText(String field, String value) {
    if (value.length() > MAX_TEXT) {
      throw new InvalidInputException(
          "Invalid trace", "trace field " + field + " is longer than " + MAX_TEXT + " characters");
    }
    if (value.indexOf('\u0000') >= 0) {
      throw new InvalidInputException(
          "Invalid trace", "trace field " + field + " contains a NUL character");
    }
  }

  private static void checkEvents(Trace trace) {
    int files = trace.getFilesCount();
    int layers = trace.getLayersCount();
    for (int f = 0; f < files; f++) {
      int layer = trace.getFiles(f).getLayerIndex();
      if (layer < 0 || (layers > 0 && layer >= layers)) {
        throw new InvalidInputException(
            "Invalid trace",
            "file " + f + " is in layer " + layer + " but the trace lists " + layers + " layers");
      }
    }
    for (int e = 0; e < trace.getEventsCount(); e++) {
      AccessEvent event = trace.getEvents(e);
      if (event.getFileIndex() < 0 || event.getFileIndex() >= files) {
        throw new InvalidInputException(
            "Invalid trace",
            "event "
                + e
                + " refers to file "
                + event.getFileIndex()
                + " but the trace has "
                + files
                + " files");
      }
      if (event.getTimeOffsetMicros() < 0 || event.getOffset() < 0 || event.getLength() < 0) {
        throw new InvalidInputException(
            "Invalid trace", "event " + e + " has a negative time offset, offset or length");
      }
      for (ChunkRef chunk : event.getChunksList()) {
        if (chunk.getLayerIndex() < 0 || chunk.getLayerIndex() >= layers) {
          throw new InvalidInputException(
              "Invalid trace",
              "event "
                  + e
                  + " reads a chunk of layer "
                  + chunk.getLayerIndex()
                  + " but the trace lists "
                  + layers
                  + " layers");
        }
        if (chunk.getCompressedOffset() < 0 || chunk.getCompressedLength() <= 0) {
          throw new InvalidInputException(
              "Invalid trace",
              "event " + e + " reads a chunk with a negative offset or non-positive length");
        }
      }
    }
  }
}
