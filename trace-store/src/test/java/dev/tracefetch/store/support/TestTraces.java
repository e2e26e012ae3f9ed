package dev.tracefetch.store.support;

import dev.tracefetch.api.files.TraceFiles;
import dev.tracefetch.api.v1.AccessEvent;
import dev.tracefetch.api.v1.ChunkRef;
import dev.tracefetch.api.v1.FileEntry;
import dev.tracefetch.api.v1.LayerDescriptor;
import dev.tracefetch.api.v1.Readiness;
import dev.tracefetch.api.v1.RecordingContext;
import dev.tracefetch.api.v1.Trace;

/**
 * Generated traces, built with the api protobuf builders. A "normal" start of an app reads the same
 * ten chunks of layer 0 and 1 in the same order (plus one chunk that depends on the seed, so every
 * trace is a distinct file); an outlier reads other chunks and never gets ready.
 */
public final class TestTraces {
  public static final String IMAGE_A = "sha256:" + "a".repeat(64);
  public static final String IMAGE_B = "sha256:" + "b".repeat(64);
  public static final long CHUNK = 4096;

  private TestTraces() {}

  public static Trace normal(String app, String manifestDigest, int seed) {
    Trace.Builder trace = base(app, manifestDigest, seed, true);
    for (int i = 0; i < 10; i++) {
      int layer = i % 2;
      trace.addEvents(read(i * 1_000L, layer, layer, i * CHUNK));
    }
    // One chunk specific to this start, read late.
    trace.addEvents(read(50_000L + seed, 2, 1, (1_000 + seed) * CHUNK));
    return trace.build();
  }

  public static Trace outlier(String app, String manifestDigest, int seed) {
    Trace.Builder trace = base(app, manifestDigest, seed, false);
    for (int i = 0; i < 10; i++) {
      trace.addEvents(read(i * 500L, 2, 1, (5_000 + i) * CHUNK));
    }
    trace.getContextBuilder().setDroppedEvents(42);
    return trace.build();
  }

  /**
   * A realistic-size start: {@code events} reads over 300 files in three layers, most of them
   * following one common order of 4 KiB chunks (with per-start timing jitter), a tenth of them
   * specific to this start.
   */
  public static Trace large(String app, String manifestDigest, int seed, int events) {
    java.util.Random random = new java.util.Random(seed);
    Trace.Builder trace = base(app, manifestDigest, seed, true);
    trace.clearLayers().clearFiles();
    for (int l = 0; l < 3; l++) {
      trace.addLayers(
          LayerDescriptor.newBuilder()
              .setDigest("sha256:" + Integer.toString(l).repeat(64))
              .setMediaType("application/vnd.oci.image.layer.v1.tar+gzip")
              .setSize(200_000_000));
    }
    for (int f = 0; f < 300; f++) {
      trace.addFiles(
          FileEntry.newBuilder()
              .setPath("/usr/lib/app/file-" + f + ".so")
              .setLayerIndex(f % 3)
              .setSize(1 << 20));
    }
    for (int e = 0; e < events; e++) {
      boolean own = random.nextInt(10) == 0;
      long slot = own ? 1_000_000L + random.nextInt(1_000_000) : e;
      int file = (int) (slot % 300);
      long time = e * 100L + random.nextInt(50);
      trace.addEvents(read(time, file, file % 3, slot * CHUNK));
    }
    return trace.build();
  }

  public static byte[] file(Trace trace) {
    return TraceFiles.toBytes(trace);
  }

  private static Trace.Builder base(String app, String digest, int seed, boolean ready) {
    Trace.Builder trace =
        Trace.newBuilder()
            .setApp(app)
            .setImageReference("registry.test/" + app + ":1")
            .setManifestDigest(digest);
    for (int l = 0; l < 2; l++) {
      trace.addLayers(
          LayerDescriptor.newBuilder()
              .setDigest("sha256:" + Integer.toString(l).repeat(64))
              .setMediaType("application/vnd.oci.image.layer.v1.tar+gzip")
              .setSize(10_000_000));
    }
    trace.addFiles(
        FileEntry.newBuilder().setPath("/usr/bin/app").setLayerIndex(0).setSize(1 << 20));
    trace.addFiles(
        FileEntry.newBuilder().setPath("/usr/lib/libapp.so").setLayerIndex(1).setSize(1 << 20));
    trace.addFiles(FileEntry.newBuilder().setPath("/etc/app.conf").setLayerIndex(1).setSize(512));
    trace.setContext(
        RecordingContext.newBuilder()
            .setHost("node-" + seed)
            .setKernel("6.1.0")
            .setStartWallTimeUnixMicros(1_700_000_000_000_000L + seed)
            .setDurationMicros(2_000_000)
            .setReadiness(
                Readiness.newBuilder()
                    .setKind(ready ? Readiness.Kind.TCP : Readiness.Kind.TIMEOUT)
                    .setDetail("8080")
                    .setReached(ready)
                    .setTimeToReadyMicros(ready ? 1_500_000 : 0))
            .setRecorderVersion("test")
            .setMode("build"));
    return trace;
  }

  private static AccessEvent read(long time, int file, int layer, long offset) {
    return AccessEvent.newBuilder()
        .setTimeOffsetMicros(time)
        .setKind(AccessEvent.Kind.READ)
        .setFileIndex(file)
        .setOffset(0)
        .setLength(CHUNK)
        .addChunks(
            ChunkRef.newBuilder()
                .setLayerIndex(layer)
                .setCompressedOffset(offset)
                .setCompressedLength(CHUNK)
                .setChunkDigest("sha256:" + String.format("%064x", offset)))
        .build();
  }
}
