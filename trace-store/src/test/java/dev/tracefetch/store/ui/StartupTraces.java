package dev.tracefetch.store.ui;

import dev.tracefetch.api.v1.AccessEvent;
import dev.tracefetch.api.v1.ChunkRef;
import dev.tracefetch.api.v1.FileEntry;
import dev.tracefetch.api.v1.LayerDescriptor;
import dev.tracefetch.api.v1.Readiness;
import dev.tracefetch.api.v1.RecordingContext;
import dev.tracefetch.api.v1.Trace;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Starts of a small Python web service on a three-layer image (OS, runtime, app), shaped like what
 * record-trace writes: each file is opened, then read chunk by chunk, in a start-up order that is
 * the same for every normal start (with timing jitter), plus one file specific to each start. The
 * outlier is a start that ran a debugging session instead and never got ready.
 */
final class StartupTraces {
  static final String APP = "shop-api";
  static final String IMAGE = "sha256:" + "5e".repeat(32);
  static final String REFERENCE = "registry.test/shop-api:2.4";
  static final long CHUNK = 64 * 1024;
  static final long COMPRESSED_CHUNK = 24 * 1024;

  private record File(String path, int layer, long size) {}

  private static final long[] LAYER_SIZES = {29_500_000, 47_200_000, 3_100_000};

  private static final List<File> START_ORDER =
      List.of(
          new File("/usr/local/bin/python3.12", 1, 17_000),
          new File("/etc/ld.so.cache", 0, 9_000),
          new File("/usr/local/lib/libpython3.12.so.1.0", 1, 7_300_000),
          new File("/lib/x86_64-linux-gnu/libc.so.6", 0, 1_900_000),
          new File("/lib/x86_64-linux-gnu/libm.so.6", 0, 900_000),
          new File("/usr/local/lib/python3.12/encodings/__init__.py", 1, 5_800),
          new File("/usr/local/lib/python3.12/codecs.py", 1, 36_000),
          new File("/usr/local/lib/python3.12/io.py", 1, 3_800),
          new File("/usr/local/lib/python3.12/abc.py", 1, 6_500),
          new File("/usr/local/lib/python3.12/site.py", 1, 22_000),
          new File("/usr/local/lib/python3.12/os.py", 1, 39_000),
          new File("/usr/local/lib/python3.12/posixpath.py", 1, 17_000),
          new File("/app/server.py", 2, 14_000),
          new File("/app/config.yaml", 2, 2_100),
          new File("/usr/local/lib/python3.12/json/__init__.py", 1, 14_000),
          new File("/usr/local/lib/python3.12/json/decoder.py", 1, 12_000),
          new File("/usr/local/lib/python3.12/logging/__init__.py", 1, 82_000),
          new File("/usr/local/lib/python3.12/socket.py", 1, 37_000),
          new File("/usr/local/lib/python3.12/selectors.py", 1, 19_000),
          new File("/usr/local/lib/python3.12/ssl.py", 1, 52_000),
          new File("/lib/x86_64-linux-gnu/libssl.so.3", 0, 690_000),
          new File("/lib/x86_64-linux-gnu/libcrypto.so.3", 0, 4_600_000),
          new File("/etc/ssl/certs/ca-certificates.crt", 0, 210_000),
          new File("/usr/local/lib/python3.12/asyncio/__init__.py", 1, 1_200),
          new File("/usr/local/lib/python3.12/asyncio/events.py", 1, 29_000),
          new File("/usr/local/lib/python3.12/http/server.py", 1, 48_000),
          new File("/app/routes/api.py", 2, 21_000),
          new File("/app/routes/health.py", 2, 1_400),
          new File("/app/templates/index.html", 2, 6_000),
          new File("/etc/hosts", 0, 200),
          new File("/app/data/catalog.json", 2, 900_000));

  private static final List<File> DEBUG_SESSION =
      List.of(
          new File("/usr/bin/strace", 0, 1_600_000),
          new File("/usr/share/doc/python3.12/README", 1, 40_000),
          new File("/usr/local/lib/python3.12/pdb.py", 1, 70_000),
          new File("/usr/local/lib/python3.12/unittest/__init__.py", 1, 3_900),
          new File("/app/tests/test_api.py", 2, 30_000),
          new File("/app/tests/fixtures/big.json", 2, 2_400_000));

  private StartupTraces() {}

  /** A normal start; {@code seed} varies timing, host and the one start-specific file. */
  static Trace normal(int seed) {
    List<File> files = new ArrayList<>(START_ORDER);
    files.add(new File("/app/data/cache-" + seed + ".bin", 2, 300_000));
    return build(seed, files, true);
  }

  /** A start that read other things and never became ready. */
  static Trace outlier(int seed) {
    Trace trace = build(seed, DEBUG_SESSION, false);
    return trace.toBuilder()
        .setContext(trace.getContext().toBuilder().setDroppedEvents(17).setIncomplete(true))
        .build();
  }

  private static Trace build(int seed, List<File> order, boolean ready) {
    Random random = new Random(seed);
    Trace.Builder trace =
        Trace.newBuilder().setApp(APP).setImageReference(REFERENCE).setManifestDigest(IMAGE);
    for (int l = 0; l < LAYER_SIZES.length; l++) {
      trace.addLayers(
          LayerDescriptor.newBuilder()
              .setDigest("sha256:" + String.format("%02x", 0xa0 + l).repeat(32))
              .setMediaType("application/vnd.oci.image.layer.v1.tar+gzip")
              .setSize(LAYER_SIZES[l]));
    }
    long time = 2_000 + random.nextInt(500);
    for (int f = 0; f < order.size(); f++) {
      File file = order.get(f);
      trace.addFiles(
          FileEntry.newBuilder()
              .setPath(file.path())
              .setLayerIndex(file.layer())
              .setSize(file.size())
              .setContentDigest("sha256:" + String.format("%064x", file.path().hashCode())));
      trace.addEvents(event(time, AccessEvent.Kind.OPEN, f, 0, 0));
      // Compressed position of the file in its layer: the same in every start, so starts agree.
      int slot = START_ORDER.indexOf(file);
      if (slot < 0) {
        slot = DEBUG_SESSION.contains(file) ? 100 + DEBUG_SESSION.indexOf(file) : 200 + seed;
      }
      long base = slot * 8 * COMPRESSED_CHUNK;
      long chunks = Math.min(8, (file.size() + CHUNK - 1) / CHUNK);
      for (long c = 0; c < chunks; c++) {
        time += 1_500 + random.nextInt(6_000);
        long length = Math.min(CHUNK, file.size() - c * CHUNK);
        trace.addEvents(
            event(time, AccessEvent.Kind.READ, f, c * CHUNK, length).toBuilder()
                .addChunks(
                    ChunkRef.newBuilder()
                        .setLayerIndex(file.layer())
                        .setCompressedOffset(base + c * COMPRESSED_CHUNK)
                        .setCompressedLength(COMPRESSED_CHUNK)
                        .setChunkDigest("sha256:" + String.format("%064x", base + c))));
      }
      time += 8_000 + random.nextInt(20_000);
    }
    trace.setContext(
        RecordingContext.newBuilder()
            .setHost("node-" + (10 + seed))
            .setKernel("6.1.0-18-amd64")
            .setStartWallTimeUnixMicros(1_760_000_000_000_000L + seed * 60_000_000L)
            .setDurationMicros(time + 200_000)
            .setReadiness(
                Readiness.newBuilder()
                    .setKind(ready ? Readiness.Kind.TCP : Readiness.Kind.TIMEOUT)
                    .setDetail("8080")
                    .setReached(ready)
                    .setTimeToReadyMicros(ready ? time + 40_000 : 0))
            .setRecorderVersion("0.1.0")
            .setMode("build"));
    return trace.build();
  }

  private static AccessEvent event(
      long time, AccessEvent.Kind kind, int file, long offset, long length) {
    return AccessEvent.newBuilder()
        .setTimeOffsetMicros(time)
        .setKind(kind)
        .setFileIndex(file)
        .setOffset(offset)
        .setLength(length)
        .setPid(101)
        .setComm("python3")
        .build();
  }
}
