package dev.tracefetch.recorder.trace;

import dev.tracefetch.api.v1.AccessEvent.Kind;
import dev.tracefetch.api.v1.ChunkRef;
import dev.tracefetch.api.v1.FileEntry;
import dev.tracefetch.api.v1.LayerDescriptor;
import dev.tracefetch.api.v1.RecordingContext;
import dev.tracefetch.api.v1.Trace;
import dev.tracefetch.fs.hooks.AccessEvent;
import dev.tracefetch.fs.image.ChunkKey;
import dev.tracefetch.fs.image.TreeNode;
import dev.tracefetch.oci.image.Descriptor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Turns the access events of one recording into a {@link Trace}: a file table (each path once, with
 * the layer, size and digest the image gives it) and the events in time order with offsets from the
 * recording start, resolved chunks and the calling process. Failed operations (a lookup of a path
 * that does not exist) are left out: they name no file of the image and cost no fetch.
 */
public final class TraceAssembler {
  /** Recorder version written into every trace. */
  public static final String VERSION = "record-trace 0.1.0";

  private final String app;
  private final String mode;
  private final ImageInfo image;
  private final long startNanos;
  private final long startWallMicros;
  private final ProcessNames names;
  private final Map<String, Integer> fileIndex = new HashMap<>();
  private final List<FileEntry> files = new ArrayList<>();
  private final List<Pending> events = new ArrayList<>();
  private long ignored;

  private record Pending(long nanos, dev.tracefetch.api.v1.AccessEvent event) {}

  /**
   * @param mode {@code build} (record-trace) or {@code runtime} (replayer --record)
   * @param startNanos {@link System#nanoTime()} at recording start: time offsets count from here
   * @param startWallMicros wall-clock time at recording start, microseconds since the epoch
   */
  public TraceAssembler(
      String app,
      String mode,
      ImageInfo image,
      long startNanos,
      long startWallMicros,
      ProcessNames names) {
    this.app = Objects.requireNonNull(app, "app");
    this.mode = Objects.requireNonNull(mode, "mode");
    this.image = Objects.requireNonNull(image, "image");
    this.startNanos = startNanos;
    this.startWallMicros = startWallMicros;
    this.names = Objects.requireNonNull(names, "names");
  }

  /** Adds one event; cheap enough to be called from the recorder's drain loop. */
  public synchronized void add(AccessEvent e) {
    if (!e.succeeded() || e.timestampNanos() < startNanos) {
      ignored++;
      return;
    }
    Optional<TreeNode> node = image.node(e.path());
    if (node.isEmpty()) {
      ignored++;
      return;
    }
    int file = fileIndex.computeIfAbsent(e.path(), p -> addFile(p, node.get()));
    dev.tracefetch.api.v1.AccessEvent.Builder b =
        dev.tracefetch.api.v1.AccessEvent.newBuilder()
            .setTimeOffsetMicros((e.timestampNanos() - startNanos) / 1000)
            .setKind(kind(e))
            .setFileIndex(file)
            .setPid((int) e.pid());
    if (e.kind() == dev.tracefetch.fs.hooks.AccessKind.READ) {
      b.setOffset(e.offset()).setLength(e.result());
      for (dev.tracefetch.fs.image.ChunkRef c : e.chunks()) {
        b.addChunks(chunk(c.key()));
      }
    }
    names.nameOf(e.pid()).ifPresent(b::setComm);
    events.add(new Pending(e.timestampNanos(), b.build()));
  }

  /** Events not put in the trace (failed operations, operations before the start). */
  public synchronized long ignored() {
    return ignored;
  }

  private int addFile(String path, TreeNode node) {
    FileEntry.Builder f =
        FileEntry.newBuilder().setPath(path).setLayerIndex(node.layer()).setSize(node.size());
    if (node.contentDigest() != null) {
      f.setContentDigest(node.contentDigest().toString());
    }
    files.add(f.build());
    return files.size() - 1;
  }

  private static Kind kind(AccessEvent e) {
    return switch (e.kind()) {
      case OPEN -> Kind.OPEN;
      case READ -> Kind.READ;
      case STAT -> Kind.STAT;
      case READLINK -> Kind.READLINK;
      case READDIR -> Kind.READDIR;
    };
  }

  private static ChunkRef chunk(ChunkKey k) {
    return ChunkRef.newBuilder()
        .setLayerIndex(k.layer())
        .setCompressedOffset(k.compressedOffset())
        .setCompressedLength(k.compressedLength())
        .setChunkDigest(k.digest().toString())
        .build();
  }

  /**
   * The trace so far.
   *
   * @param durationNanos how long recording ran
   * @param dropped events the recorder lost to a full buffer
   */
  public synchronized Trace build(Outcome outcome, long durationNanos, long dropped, String host) {
    RecordingContext.Builder ctx =
        RecordingContext.newBuilder()
            .setHost(host)
            .setKernel(System.getProperty("os.version", ""))
            .setStartWallTimeUnixMicros(startWallMicros)
            .setDurationMicros(durationNanos / 1000)
            .setReadiness(outcome.toProto())
            .setDroppedEvents(dropped)
            .setIncomplete(outcome.incomplete() || dropped > 0)
            .setRecorderVersion(VERSION)
            .setMode(mode);
    Trace.Builder t =
        Trace.newBuilder()
            .setApp(app)
            .setImageReference(image.reference())
            .setManifestDigest(image.manifestDigest())
            .setContext(ctx)
            .addAllFiles(files);
    for (Descriptor d : image.layers()) {
      t.addLayers(
          LayerDescriptor.newBuilder()
              .setDigest(d.digest().toString())
              .setMediaType(d.mediaType())
              .setSize(d.size())
              .putAllAnnotations(d.annotations() == null ? Map.of() : d.annotations()));
    }
    events.stream()
        .sorted(Comparator.comparingLong(Pending::nanos))
        .forEach(p -> t.addEvents(p.event()));
    return t.build();
  }
}
