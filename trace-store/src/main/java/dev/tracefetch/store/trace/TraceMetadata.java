package dev.tracefetch.store.trace;

import dev.tracefetch.api.files.ContentDigest;
import dev.tracefetch.api.v1.RecordingContext;
import dev.tracefetch.api.v1.Trace;
import dev.tracefetch.oci.image.ImageReference;
import dev.tracefetch.store.error.InvalidInputException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What the store keeps about a trace besides its file: the columns that list, rank and route it.
 * Built from a {@link ScannedTrace}, which also rejects traces that are well-formed protobuf but
 * make no sense (no app, a bad digest, events pointing at files or layers that do not exist), so
 * that nothing downstream has to defend against them.
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

  /** The metadata of a decoded trace, checked as an upload is (see {@link ScannedTrace}). */
  public static TraceMetadata of(Trace trace, byte[] fileBytes) {
    return ScannedTrace.scan(trace).metadata(fileBytes);
  }

  /** Checks the header fields; what an upload's trace must satisfy besides its events. */
  static void checkHeader(
      String app, String manifestDigest, String imageReference, RecordingContext.Builder context) {
    checkApp(app);
    checkDigest(manifestDigest);
    checkText("image_reference", imageReference);
    checkImageReference(imageReference);
    checkText("context.host", context.getHost());
    checkText("context.mode", context.getMode());
  }

  /** The metadata from checked header fields (see {@link #checkHeader}). */
  static TraceMetadata of(
      String app,
      String imageReference,
      String manifestDigest,
      RecordingContext.Builder context,
      int fileCount,
      long eventCount,
      byte[] fileBytes) {
    long startMicros = context.getStartWallTimeUnixMicros();
    return new TraceMetadata(
        app,
        imageReference,
        manifestDigest,
        ContentDigest.of(fileBytes),
        fileBytes.length,
        eventCount,
        fileCount,
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

  /**
   * An image reference, when the trace names one, must be one ({@code
   * registry/repo[:tag][@digest]}, as the recorder writes it): it is shown in the UI and used to
   * find the source image of cross-image plans, so quotes, spaces, {@code ..} and other junk are
   * refused at the door.
   */
  private static void checkImageReference(String imageReference) {
    if (imageReference.isEmpty()) {
      return;
    }
    try {
      ImageReference.parse(imageReference);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(
          "Invalid trace", "trace field image_reference: " + e.getMessage());
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
}
