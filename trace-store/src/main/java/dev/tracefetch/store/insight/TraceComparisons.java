package dev.tracefetch.store.insight;

import dev.tracefetch.api.v1.AccessEvent;
import dev.tracefetch.api.v1.ChunkRef;
import dev.tracefetch.api.v1.FileEntry;
import dev.tracefetch.api.v1.Trace;
import dev.tracefetch.store.trace.TraceRating;
import dev.tracefetch.store.trace.TraceRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Compares what two starts read; see {@link TraceComparison}. */
public final class TraceComparisons {
  /** How many files a {@link TraceComparison.Difference} names. */
  public static final int TOP_FILES = 50;

  private TraceComparisons() {}

  /** What one start read, reduced to what comparisons need. */
  private record Reads(
      Map<ChunkKey, Long> chunks, Map<String, FileReads> files, TraceRecord record, Trace trace) {}

  private static final class FileReads {
    final String path;
    final int layer;
    long firstAccess;
    final Set<ChunkKey> chunks = new HashSet<>();
    long bytes;

    FileReads(String path, int layer, long firstAccess) {
      this.path = path;
      this.layer = layer;
      this.firstAccess = firstAccess;
    }
  }

  public static TraceComparison compare(
      TraceRecord leftRecord, Trace leftTrace, TraceRecord rightRecord, Trace rightTrace) {
    Reads left = reads(leftRecord, leftTrace);
    Reads right = reads(rightRecord, rightTrace);
    long commonChunks = 0;
    long commonBytes = 0;
    for (Map.Entry<ChunkKey, Long> chunk : left.chunks().entrySet()) {
      if (right.chunks().containsKey(chunk.getKey())) {
        commonChunks++;
        commonBytes += chunk.getValue();
      }
    }
    long leftBytes = sum(left.chunks());
    long rightBytes = sum(right.chunks());
    long unionBytes = leftBytes + rightBytes - commonBytes;
    int commonFiles = 0;
    for (String path : left.files().keySet()) {
      if (right.files().containsKey(path)) {
        commonFiles++;
      }
    }
    return new TraceComparison(
        side(left, leftBytes),
        side(right, rightBytes),
        commonChunks,
        commonBytes,
        commonFiles,
        difference(left, right),
        difference(right, left),
        unionBytes == 0 ? 1.0 : (double) commonBytes / unionBytes,
        leftRecord.metadata().manifestDigest().equals(rightRecord.metadata().manifestDigest()));
  }

  private static Reads reads(TraceRecord record, Trace trace) {
    Map<ChunkKey, Long> chunks = new HashMap<>();
    Map<String, FileReads> files = new LinkedHashMap<>();
    for (AccessEvent event : trace.getEventsList()) {
      FileEntry entry = trace.getFiles(event.getFileIndex());
      FileReads file =
          files.computeIfAbsent(
              entry.getPath(),
              path -> new FileReads(path, entry.getLayerIndex(), event.getTimeOffsetMicros()));
      file.firstAccess = Math.min(file.firstAccess, event.getTimeOffsetMicros());
      for (ChunkRef chunk : event.getChunksList()) {
        ChunkKey key = ChunkKey.of(trace, chunk);
        chunks.put(key, chunk.getCompressedLength());
        if (file.chunks.add(key)) {
          file.bytes += chunk.getCompressedLength();
        }
      }
    }
    return new Reads(chunks, files, record, trace);
  }

  private static TraceComparison.Side side(Reads reads, long bytes) {
    TraceRecord record = reads.record();
    return new TraceComparison.Side(
        record.id().toString(),
        record.metadata().app(),
        record.metadata().manifestDigest(),
        record.metadata().host(),
        record.uploadedAt(),
        record.rating().map(TraceRating::score).orElse(null),
        reads.trace().getEventsCount(),
        reads.chunks().size(),
        bytes,
        reads.files().size());
  }

  private static TraceComparison.Difference difference(Reads self, Reads other) {
    long chunks = 0;
    long bytes = 0;
    for (Map.Entry<ChunkKey, Long> chunk : self.chunks().entrySet()) {
      if (!other.chunks().containsKey(chunk.getKey())) {
        chunks++;
        bytes += chunk.getValue();
      }
    }
    List<FileReads> onlyHere = new ArrayList<>();
    for (FileReads file : self.files().values()) {
      if (!other.files().containsKey(file.path)) {
        onlyHere.add(file);
      }
    }
    List<TraceComparison.FileDifference> top =
        onlyHere.stream()
            .sorted(
                Comparator.comparingLong((FileReads f) -> f.bytes)
                    .reversed()
                    .thenComparingLong(f -> f.firstAccess)
                    .thenComparing(f -> f.path))
            .limit(TOP_FILES)
            .map(f -> new TraceComparison.FileDifference(f.path, f.layer, f.bytes, f.firstAccess))
            .toList();
    return new TraceComparison.Difference(chunks, bytes, onlyHere.size(), top);
  }

  private static long sum(Map<ChunkKey, Long> chunks) {
    long total = 0;
    for (long length : chunks.values()) {
      total += length;
    }
    return total;
  }
}
