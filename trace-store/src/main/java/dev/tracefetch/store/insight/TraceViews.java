package dev.tracefetch.store.insight;

import dev.tracefetch.api.v1.AccessEvent;
import dev.tracefetch.api.v1.ChunkRef;
import dev.tracefetch.api.v1.FileEntry;
import dev.tracefetch.api.v1.LayerDescriptor;
import dev.tracefetch.api.v1.RecordingContext;
import dev.tracefetch.api.v1.Trace;
import dev.tracefetch.store.trace.TraceMetadata;
import dev.tracefetch.store.trace.TraceRating;
import dev.tracefetch.store.trace.TraceRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Builds the {@link TraceView} of a stored trace from its record and its parsed file. */
public final class TraceViews {
  /** How many files the "top files" lists name. */
  public static final int TOP_FILES = 15;

  /** Accessed files first, by first access then path; untouched files after, by path. */
  private static final Comparator<FileUsage> BY_FIRST_ACCESS =
      Comparator.comparing(
              FileUsage::firstAccessMicros, Comparator.nullsLast(Comparator.naturalOrder()))
          .thenComparing(FileUsage::path)
          .thenComparingInt(FileUsage::index);

  private TraceViews() {}

  /**
   * @param maxTimelineEvents the most events the timeline carries; larger traces are thinned evenly
   */
  public static TraceView of(TraceRecord record, Trace trace, int maxTimelineEvents) {
    if (maxTimelineEvents < 1) {
      throw new IllegalArgumentException(
          "maxTimelineEvents must be at least 1, got " + maxTimelineEvents);
    }
    int fileCount = trace.getFilesCount();
    long[] firstAccess = new long[fileCount];
    java.util.Arrays.fill(firstAccess, -1);
    long[] events = new long[fileCount];
    long[] readBytes = new long[fileCount];
    long[] fetchedBytes = new long[fileCount];

    int layerCount = layerCount(trace);
    long[] layerReadBytes = new long[layerCount];
    long[] layerFetchedBytes = new long[layerCount];
    long[] layerChunks = new long[layerCount];
    int[] layerFiles = new int[layerCount];

    Set<ChunkKey> chunksSeen = new HashSet<>();
    Map<Integer, Set<ChunkKey>> chunksOfFile = new HashMap<>();
    long lastEvent = 0;
    long totalRead = 0;
    long totalFetched = 0;
    for (AccessEvent event : trace.getEventsList()) {
      int file = event.getFileIndex();
      long t = event.getTimeOffsetMicros();
      lastEvent = Math.max(lastEvent, t);
      if (firstAccess[file] < 0 || t < firstAccess[file]) {
        firstAccess[file] = t;
      }
      events[file]++;
      int fileLayer = trace.getFiles(file).getLayerIndex();
      if (event.getKind() == AccessEvent.Kind.READ) {
        readBytes[file] += event.getLength();
        layerReadBytes[fileLayer] += event.getLength();
        totalRead += event.getLength();
      }
      for (ChunkRef chunk : event.getChunksList()) {
        ChunkKey key = ChunkKey.of(trace, chunk);
        if (chunksOfFile.computeIfAbsent(file, f -> new HashSet<>()).add(key)) {
          fetchedBytes[file] += chunk.getCompressedLength();
        }
        if (chunksSeen.add(key)) {
          layerFetchedBytes[chunk.getLayerIndex()] += chunk.getCompressedLength();
          layerChunks[chunk.getLayerIndex()]++;
          totalFetched += chunk.getCompressedLength();
        }
      }
    }

    List<FileUsage> files = new ArrayList<>(fileCount);
    for (int f = 0; f < fileCount; f++) {
      FileEntry entry = trace.getFiles(f);
      boolean accessed = firstAccess[f] >= 0;
      if (accessed) {
        layerFiles[entry.getLayerIndex()]++;
      }
      files.add(
          new FileUsage(
              f,
              entry.getPath(),
              entry.getLayerIndex(),
              entry.getSize(),
              accessed ? firstAccess[f] : null,
              events[f],
              readBytes[f],
              fetchedBytes[f]));
    }
    files.sort(BY_FIRST_ACCESS);
    List<Integer> byFirstAccess =
        files.stream().filter(FileUsage::accessed).limit(TOP_FILES).map(FileUsage::index).toList();
    List<Integer> byBytes =
        files.stream()
            .filter(FileUsage::accessed)
            .sorted(
                Comparator.comparingLong(FileUsage::fetchedBytes)
                    .thenComparingLong(FileUsage::readBytes)
                    .reversed()
                    .thenComparing(BY_FIRST_ACCESS))
            .limit(TOP_FILES)
            .map(FileUsage::index)
            .toList();

    List<LayerUsage> layers = new ArrayList<>(layerCount);
    for (int l = 0; l < layerCount; l++) {
      LayerDescriptor descriptor =
          l < trace.getLayersCount() ? trace.getLayers(l) : LayerDescriptor.getDefaultInstance();
      layers.add(
          new LayerUsage(
              l,
              descriptor.getDigest(),
              descriptor.getMediaType(),
              descriptor.getSize(),
              layerFiles[l],
              layerReadBytes[l],
              layerFetchedBytes[l],
              layerChunks[l]));
    }

    RecordingContext context = trace.getContext();
    ReadinessView readiness = ReadinessView.of(context.getReadiness());
    long span = Math.max(lastEvent, readiness.reached() ? readiness.timeToReadyMicros() : 0);
    Timeline timeline =
        new Timeline(trace.getEventsCount(), span, sample(trace, maxTimelineEvents));

    TraceMetadata meta = record.metadata();
    TraceRating rating = record.rating().orElse(null);
    return new TraceView(
        record.id().toString(),
        meta.app(),
        meta.manifestDigest(),
        meta.imageReference(),
        meta.contentDigest(),
        meta.fileSize(),
        record.uploadedAt(),
        meta.recordedAt().orElse(null),
        meta.host(),
        context.getKernel(),
        meta.recordingMode(),
        context.getRecorderVersion(),
        meta.durationMicros(),
        meta.droppedEvents(),
        meta.incomplete(),
        readiness,
        rating == null ? null : rating.score(),
        rating == null ? List.of() : rating.reasons(),
        rating == null ? null : rating.inPlan(),
        rating == null ? null : rating.planVersion(),
        trace.getEventsCount(),
        totalRead,
        totalFetched,
        layers,
        files,
        byBytes,
        byFirstAccess,
        timeline);
  }

  /** Layers listed by the trace, plus any index a file or chunk refers to beyond them. */
  private static int layerCount(Trace trace) {
    int count = trace.getLayersCount();
    for (FileEntry file : trace.getFilesList()) {
      count = Math.max(count, file.getLayerIndex() + 1);
    }
    for (AccessEvent event : trace.getEventsList()) {
      for (ChunkRef chunk : event.getChunksList()) {
        count = Math.max(count, chunk.getLayerIndex() + 1);
      }
    }
    return count;
  }

  private static List<TimelineEvent> sample(Trace trace, int max) {
    int total = trace.getEventsCount();
    List<TimelineEvent> events = new ArrayList<>(Math.min(total, max));
    // Evenly spaced indices: event i is kept when floor(i * max / total) advances.
    long kept = -1;
    for (int i = 0; i < total; i++) {
      long slot = (long) i * max / total;
      if (total > max && slot == kept) {
        continue;
      }
      kept = slot;
      AccessEvent event = trace.getEvents(i);
      events.add(
          new TimelineEvent(
              event.getTimeOffsetMicros(),
              event.getFileIndex(),
              kind(event.getKind()),
              event.getOffset(),
              event.getLength(),
              trace.getFiles(event.getFileIndex()).getLayerIndex()));
    }
    return events;
  }

  static String kind(AccessEvent.Kind kind) {
    return switch (kind) {
      case OPEN, READ, STAT, READLINK, READDIR -> kind.name().toLowerCase(Locale.ROOT);
      case KIND_UNSPECIFIED, UNRECOGNIZED -> "unspecified";
    };
  }
}
