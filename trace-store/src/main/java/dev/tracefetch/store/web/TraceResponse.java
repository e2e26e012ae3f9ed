package dev.tracefetch.store.web;

import dev.tracefetch.store.trace.TraceMetadata;
import dev.tracefetch.store.trace.TraceRating;
import dev.tracefetch.store.trace.TraceRecord;
import java.time.Instant;
import java.util.List;

/**
 * A trace's metadata and latest rating. {@code score}, {@code inPlan} and {@code planVersion} are
 * null (and {@code reasons} empty) until the trace's image has been ranked with it.
 */
record TraceResponse(
    String id,
    String app,
    String manifestDigest,
    String imageReference,
    String contentDigest,
    long size,
    long eventCount,
    int fileCount,
    boolean readinessReached,
    boolean incomplete,
    long droppedEvents,
    long durationMicros,
    Instant recordedAt,
    Instant uploadedAt,
    String host,
    String recordingMode,
    Double score,
    List<String> reasons,
    Boolean inPlan,
    Long planVersion) {

  static TraceResponse of(TraceRecord trace) {
    TraceMetadata m = trace.metadata();
    TraceRating r = trace.rating().orElse(null);
    return new TraceResponse(
        trace.id().toString(),
        m.app(),
        m.manifestDigest(),
        m.imageReference(),
        m.contentDigest(),
        m.fileSize(),
        m.eventCount(),
        m.fileCount(),
        m.readinessReached(),
        m.incomplete(),
        m.droppedEvents(),
        m.durationMicros(),
        m.recordedAt().orElse(null),
        trace.uploadedAt(),
        m.host(),
        m.recordingMode(),
        r == null ? null : r.score(),
        r == null ? List.of() : r.reasons(),
        r == null ? null : r.inPlan(),
        r == null ? null : r.planVersion());
  }
}
