package dev.tracefetch.recorder.trace;

import dev.tracefetch.api.v1.AccessEvent;
import dev.tracefetch.api.v1.ChunkRef;
import dev.tracefetch.api.v1.LayerDescriptor;
import dev.tracefetch.api.v1.Trace;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What a recording found, in the terms an application owner cares about: how much of the image the
 * start really needs (files, bytes, chunks, layers) and how long it took to become ready. Computed
 * from the trace alone, so the printed summary always matches the file.
 */
public record TraceSummary(
    String app,
    String image,
    String manifestDigest,
    int filesTouched,
    int filesRead,
    long bytesRead,
    long imageCompressedBytes,
    long imageFileBytes,
    int chunks,
    long chunkCompressedBytes,
    int layersRead,
    int layers,
    int events,
    long droppedEvents,
    String readiness,
    boolean ready,
    long timeToReadyMicros,
    boolean incomplete) {

  /**
   * @param imageFileBytes total uncompressed size of the image's regular files, 0 if unknown
   */
  public static TraceSummary of(Trace t, long imageFileBytes) {
    Set<Integer> read = new HashSet<>();
    Set<String> chunkIds = new HashSet<>();
    Set<Integer> layersRead = new HashSet<>();
    long bytes = 0;
    long chunkBytes = 0;
    for (AccessEvent e : t.getEventsList()) {
      if (e.getKind() != AccessEvent.Kind.READ) {
        continue;
      }
      read.add(e.getFileIndex());
      bytes += e.getLength();
      for (ChunkRef c : e.getChunksList()) {
        if (chunkIds.add(
            c.getLayerIndex() + "/" + c.getCompressedOffset() + "/" + c.getChunkDigest())) {
          chunkBytes += c.getCompressedLength();
        }
        layersRead.add(c.getLayerIndex());
      }
    }
    var ctx = t.getContext();
    var r = ctx.getReadiness();
    String readiness =
        r.getKind().name().toLowerCase(Locale.ROOT)
            + (r.getDetail().isEmpty() ? "" : ":" + r.getDetail());
    return new TraceSummary(
        t.getApp(),
        t.getImageReference(),
        t.getManifestDigest(),
        t.getFilesCount(),
        read.size(),
        bytes,
        t.getLayersList().stream().mapToLong(LayerDescriptor::getSize).sum(),
        imageFileBytes,
        chunkIds.size(),
        chunkBytes,
        layersRead.size(),
        t.getLayersCount(),
        t.getEventsCount(),
        ctx.getDroppedEvents(),
        readiness,
        r.getReached(),
        r.getTimeToReadyMicros(),
        ctx.getIncomplete());
  }

  /** The summary of a trace alone (image file size unknown). */
  public static TraceSummary of(Trace t) {
    return of(t, 0);
  }

  /** The summary as an ordered map for {@code --json}. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("app", app);
    m.put("image", image);
    m.put("manifestDigest", manifestDigest);
    m.put("filesTouched", filesTouched);
    m.put("filesRead", filesRead);
    m.put("bytesRead", bytesRead);
    m.put("imageCompressedBytes", imageCompressedBytes);
    m.put("imageFileBytes", imageFileBytes);
    m.put("chunks", chunks);
    m.put("chunkCompressedBytes", chunkCompressedBytes);
    m.put("layersRead", layersRead);
    m.put("layers", layers);
    m.put("events", events);
    m.put("droppedEvents", droppedEvents);
    m.put("readiness", readiness);
    m.put("ready", ready);
    m.put("timeToReadyMillis", timeToReadyMicros / 1000.0);
    m.put("incomplete", incomplete);
    return m;
  }

  /** The human summary, a few aligned lines. */
  public String toText() {
    double pct =
        imageCompressedBytes == 0 ? 0 : 100.0 * chunkCompressedBytes / imageCompressedBytes;
    return String.format(
        Locale.ROOT,
        "app            %s%n"
            + "image          %s (%s)%n"
            + "files touched  %d (%d read)%n"
            + "bytes read     %s of %s in the image's files%n"
            + "chunks         %d (%s to fetch; the image is %s compressed)%n"
            + "layers         %d of %d read%n"
            + "events         %d (%d dropped)%n"
            + "readiness      %s %s after %.3f s%n"
            + "%s",
        app,
        image,
        manifestDigest,
        filesTouched,
        filesRead,
        bytes(bytesRead),
        bytes(imageFileBytes),
        chunks,
        bytes(chunkCompressedBytes),
        bytes(imageCompressedBytes),
        layersRead,
        layers,
        events,
        droppedEvents,
        readiness,
        ready ? "reached" : "NOT reached",
        timeToReadyMicros / 1e6,
        incomplete ? "trace          INCOMPLETE\n" : "");
  }

  private static String bytes(long b) {
    if (b < 1024) {
      return b + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = b;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
