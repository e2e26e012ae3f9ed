package dev.tracefetch.planner;

import dev.tracefetch.api.v1.AccessEvent;
import dev.tracefetch.api.v1.ChunkRef;
import dev.tracefetch.api.v1.FileEntry;
import dev.tracefetch.api.v1.LayerDescriptor;
import dev.tracefetch.api.v1.Readiness;
import dev.tracefetch.api.v1.RecordingContext;
import dev.tracefetch.api.v1.Trace;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Made-up start-up traces of one app on a {@link SyntheticImage}: every normal start reads a common
 * sequence of chunks with jitter in timing, omits a few and reads a few extra ones; an outlier
 * reads a very different set. Deterministic for a seed and trace number.
 */
public final class SyntheticTraces {
  /** Reference "now" for recency: 2025-01-01T00:00:00Z in Unix micros. */
  public static final long NOW_MICROS = 1_735_689_600_000_000L;

  /**
   * @param sequenceChunks chunks in the common start-up sequence
   * @param eventsPerTrace events per trace (extra events beyond the chunk reads are repeat reads
   *     and stats)
   * @param durationMicros time to readiness
   * @param jitter relative timing jitter (standard deviation)
   * @param omitRate chance that a start skips a chunk of the sequence
   * @param addRate extra chunks per start, as a fraction of the sequence
   */
  public record Shape(
      int sequenceChunks,
      int eventsPerTrace,
      long durationMicros,
      double jitter,
      double omitRate,
      double addRate) {}

  private record Access(SyntheticImage.Chunk chunk, long time) {}

  private final SyntheticImage image;
  private final Shape shape;
  private final long seed;
  private final List<SyntheticImage.Chunk> sequence;
  private final long[] baseTimes;
  private final List<SyntheticImage.Chunk> others;

  public SyntheticTraces(SyntheticImage image, Shape shape, long seed) {
    this.image = image;
    this.shape = shape;
    this.seed = seed;
    Random rnd = new Random(seed);
    List<SyntheticImage.Chunk> all = new ArrayList<>(image.allChunks());
    Collections.shuffle(all, rnd);
    int s = Math.min(shape.sequenceChunks(), all.size() / 2);
    this.sequence = List.copyOf(all.subList(0, s));
    this.others = List.copyOf(all.subList(s, all.size()));
    this.baseTimes = new long[s];
    for (int i = 0; i < s; i++) {
      // start-ups read fast at first, then slow down
      double x = (i + rnd.nextDouble()) / s;
      baseTimes[i] = (long) (shape.durationMicros() * x * x);
    }
  }

  public List<SyntheticImage.Chunk> sequence() {
    return sequence;
  }

  /** Base (jitter-free) time of the i-th chunk of the sequence. */
  public long baseTime(int i) {
    return baseTimes[i];
  }

  /** A normal start, number {@code i}. */
  public Trace normal(int i) {
    Random rnd = new Random(seed * 1_000_003L + i);
    List<Access> accesses = new ArrayList<>();
    for (int j = 0; j < sequence.size(); j++) {
      if (rnd.nextDouble() < shape.omitRate()) {
        continue;
      }
      double factor = 1 + shape.jitter() * rnd.nextGaussian();
      long time = Math.max(0, (long) (baseTimes[j] * factor) + rnd.nextInt(1000));
      accesses.add(new Access(sequence.get(j), time));
    }
    int adds = (int) Math.round(shape.addRate() * sequence.size());
    Set<Integer> picked = new HashSet<>();
    while (picked.size() < Math.min(adds, others.size())) {
      picked.add(rnd.nextInt(others.size()));
    }
    for (int p : picked.stream().sorted().toList()) {
      accesses.add(new Access(others.get(p), (long) (rnd.nextDouble() * shape.durationMicros())));
    }
    return trace("normal-" + i, rnd, accesses);
  }

  /** An outlier start: a quarter of the usual chunks plus twice as many unusual ones. */
  public Trace outlier(int i) {
    Random rnd = new Random(seed * 7_000_003L + i);
    List<Access> accesses = new ArrayList<>();
    for (int j = 0; j < sequence.size(); j++) {
      if (rnd.nextDouble() < 0.25) {
        accesses.add(new Access(sequence.get(j), baseTimes[j]));
      }
    }
    Set<Integer> picked = new HashSet<>();
    while (picked.size() < Math.min(2 * sequence.size(), others.size())) {
      picked.add(rnd.nextInt(others.size()));
    }
    for (int p : picked.stream().sorted().toList()) {
      accesses.add(new Access(others.get(p), (long) (rnd.nextDouble() * shape.durationMicros())));
    }
    return trace("outlier-" + i, rnd, accesses);
  }

  private Trace trace(String host, Random rnd, List<Access> accesses) {
    accesses.sort(Comparator.comparingLong(Access::time));
    Map<String, Integer> fileIndex = new HashMap<>();
    Trace.Builder trace =
        Trace.newBuilder()
            .setApp("synthetic-app")
            .setImageReference("registry.local/synthetic:1")
            .setManifestDigest(image.manifestDigest());
    for (String layer : image.layerDigests()) {
      trace.addLayers(
          LayerDescriptor.newBuilder()
              .setDigest(layer)
              .setMediaType("application/vnd.oci.image.layer.v1.tar+gzip"));
    }
    List<AccessEvent> events = new ArrayList<>(Math.max(shape.eventsPerTrace(), accesses.size()));
    for (Access a : accesses) {
      events.add(read(trace, fileIndex, a.chunk(), a.time()));
    }
    int extra = shape.eventsPerTrace() - accesses.size();
    for (int e = 0; e < extra && !accesses.isEmpty(); e++) {
      Access a = accesses.get(rnd.nextInt(accesses.size()));
      long later = a.time() + (long) (rnd.nextDouble() * (shape.durationMicros() / 10 + 1));
      if (e % 2 == 0) {
        events.add(read(trace, fileIndex, a.chunk(), later));
      } else {
        events.add(
            AccessEvent.newBuilder()
                .setTimeOffsetMicros(later)
                .setKind(AccessEvent.Kind.STAT)
                .setFileIndex(file(trace, fileIndex, a.chunk()))
                .build());
      }
    }
    events.sort(Comparator.comparingLong(AccessEvent::getTimeOffsetMicros));
    trace.addAllEvents(events);
    long age = (long) (rnd.nextDouble() * 10 * 86_400_000_000L);
    trace.setContext(
        RecordingContext.newBuilder()
            .setHost(host)
            .setStartWallTimeUnixMicros(NOW_MICROS - age)
            .setDurationMicros(shape.durationMicros())
            .setReadiness(
                Readiness.newBuilder()
                    .setKind(Readiness.Kind.HTTP)
                    .setDetail("http://127.0.0.1:8080/health")
                    .setReached(true)
                    .setTimeToReadyMicros(shape.durationMicros()))
            .setRecorderVersion("synthetic")
            .setMode("build"));
    return trace.build();
  }

  private static AccessEvent read(
      Trace.Builder trace, Map<String, Integer> fileIndex, SyntheticImage.Chunk c, long time) {
    return AccessEvent.newBuilder()
        .setTimeOffsetMicros(time)
        .setKind(AccessEvent.Kind.READ)
        .setFileIndex(file(trace, fileIndex, c))
        .setOffset(c.chunkOffset())
        .setLength(4096)
        .addChunks(
            ChunkRef.newBuilder()
                .setLayerIndex(c.layer())
                .setCompressedOffset(c.offset())
                .setCompressedLength(c.length())
                .setChunkDigest(c.chunkDigest()))
        .build();
  }

  private static int file(Trace.Builder trace, Map<String, Integer> index, SyntheticImage.Chunk c) {
    return index.computeIfAbsent(
        c.path(),
        p -> {
          trace.addFiles(
              FileEntry.newBuilder()
                  .setPath(p)
                  .setLayerIndex(c.layer())
                  .setSize(c.chunkOffset() + c.length())
                  .setContentDigest(c.contentDigest()));
          return trace.getFilesCount() - 1;
        });
  }
}
