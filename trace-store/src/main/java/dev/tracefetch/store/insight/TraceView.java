package dev.tracefetch.store.insight;

import java.time.Instant;
import java.util.List;

/**
 * Everything the trace page shows about one recorded start: where and how it was recorded, how the
 * ranking judged it, what it read per layer and per file, and its accesses over time.
 *
 * @param score latest ranking score; null (and {@code reasons} empty) until ranked
 * @param files the file table ordered by first access, files never touched last
 * @param topFilesByBytes indices (into the trace's file table) of the files with the most fetched
 *     bytes, most first
 * @param topFilesByFirstAccess indices of the first files the start touched, earliest first
 */
public record TraceView(
    String id,
    String app,
    String manifestDigest,
    String imageReference,
    String contentDigest,
    long fileSize,
    Instant uploadedAt,
    Instant recordedAt,
    String host,
    String kernel,
    String recordingMode,
    String recorderVersion,
    long durationMicros,
    long droppedEvents,
    boolean incomplete,
    ReadinessView readiness,
    Double score,
    List<String> reasons,
    Boolean inPlan,
    Long planVersion,
    long eventCount,
    long readBytes,
    long fetchedBytes,
    List<LayerUsage> layers,
    List<FileUsage> files,
    List<Integer> topFilesByBytes,
    List<Integer> topFilesByFirstAccess,
    Timeline timeline) {

  public TraceView {
    reasons = List.copyOf(reasons);
    layers = List.copyOf(layers);
    files = List.copyOf(files);
    topFilesByBytes = List.copyOf(topFilesByBytes);
    topFilesByFirstAccess = List.copyOf(topFilesByFirstAccess);
  }
}
