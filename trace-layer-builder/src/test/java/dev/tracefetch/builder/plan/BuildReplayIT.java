package dev.tracefetch.builder.plan;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.tracefetch.api.files.ReadLimits;
import dev.tracefetch.api.files.ReplayFiles;
import dev.tracefetch.api.v1.ChunkRef;
import dev.tracefetch.api.v1.LayerPlan;
import dev.tracefetch.api.v1.PlannedRange;
import dev.tracefetch.api.v1.ReplayPlan;
import dev.tracefetch.api.v1.Trace;
import dev.tracefetch.builder.testing.BuilderCli;
import dev.tracefetch.builder.testing.BuilderCli.Run;
import dev.tracefetch.builder.testing.TracedImages;
import dev.tracefetch.layer.estargz.EstargzChunk;
import dev.tracefetch.oci.registry.RegistryClient;
import dev.tracefetch.oci.testing.RegistryExtension;
import dev.tracefetch.oci.testing.TestLayer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code build-replay} against a real registry, from trace files and from a (fake) store. */
class BuildReplayIT {
  @RegisterExtension static final RegistryExtension REGISTRY = RegistryExtension.anonymous();

  static IndexedImage v1;
  static IndexedImage v2;
  static IndexedImage other;
  static String host;

  @TempDir Path dir;

  @BeforeAll
  static void pushImages() throws IOException {
    host = REGISTRY.hostPort();
    try (RegistryClient client = REGISTRY.newClient()) {
      v1 = TracedImages.push(client, "app", "v1", TracedImages.base(), TracedImages.app(1));
      v2 = TracedImages.push(client, "app", "v2", TracedImages.base(), TracedImages.app(2));
      other =
          TracedImages.push(
              client,
              "other",
              "v1",
              TestLayer.builder().file("srv/index.html", "<p>other</p>\n").build());
    }
  }

  static ReplayPlan read(Path file) throws IOException {
    return ReplayFiles.read(file, ReadLimits.defaults());
  }

  /** Every (layer, offset) of every chunk of the trace, which the plan's ranges must cover. */
  static List<long[]> tracedChunks(Trace trace) {
    List<long[]> out = new ArrayList<>();
    trace
        .getEventsList()
        .forEach(
            e -> {
              for (ChunkRef c : e.getChunksList()) {
                out.add(
                    new long[] {
                      c.getLayerIndex(), c.getCompressedOffset(), c.getCompressedLength()
                    });
              }
            });
    return out;
  }

  static boolean covered(ReplayPlan plan, long layer, long offset, long length) {
    for (LayerPlan l : plan.getLayersList()) {
      if (l.getLayerIndex() != layer) {
        continue;
      }
      for (PlannedRange r : l.getRangesList()) {
        if (r.getCompressedOffset() <= offset
            && offset + length <= r.getCompressedOffset() + r.getCompressedLength()) {
          return true;
        }
      }
    }
    return false;
  }

  @Test
  void buildsAPlanCoveringEveryTracedChunkInOrder() throws Exception {
    Trace trace =
        TracedImages.reading(v1, "web", "bin/start", "lib/libc.so", "app/main.py", "app/data.bin");
    Path traceFile = TracedImages.write(trace, dir.resolve("t1.trace"));
    Path out = dir.resolve("v1.tfr");

    Run run =
        BuilderCli.run(
            "build-replay",
            "--image",
            host + "/app:v1",
            "--trace",
            traceFile.toString(),
            "--out",
            out.toString(),
            "--json");

    assertThat(run.exitCode()).as(run.err()).isZero();
    ReplayPlan plan = read(out);
    assertThat(plan.getManifestDigest()).isEqualTo(v1.digest().toString());
    assertThat(plan.getApp()).isEqualTo("web");
    assertThat(plan.getProvenance().getCoverage()).isEqualTo(1.0);
    for (long[] c : tracedChunks(trace)) {
      assertThat(covered(plan, c[0], c[1], c[2])).as("layer %d offset %d", c[0], c[1]).isTrue();
    }
    // Never a byte of a file the start did not read, apart from coalesced gaps below 64 KiB.
    assertThat(plan.getLayersList()).extracting(LayerPlan::getLayerIndex).containsOnly(0, 1);
    for (LayerPlan l : plan.getLayersList()) {
      assertThat(l.getLayerDigest())
          .isEqualTo(v1.layers().get(l.getLayerIndex()).digest().toString());
    }
    JsonNode json = run.json();
    assertThat(json.get("manifestDigest").asText()).isEqualTo(v1.digest().toString());
    assertThat(json.get("plan").get("ranges").asInt())
        .isEqualTo(plan.getLayersList().stream().mapToInt(LayerPlan::getRangesCount).sum());
    assertThat(run.err()).contains("[3/3]");
  }

  @Test
  void aTraceOfV1ServesV2WithCoverageAndTheSameRangesInTheUnchangedLayer() throws Exception {
    assertThat(v2.layers().get(0)).isEqualTo(v1.layers().get(0));
    assertThat(v2.layers().get(1).digest()).isNotEqualTo(v1.layers().get(1).digest());
    Trace trace =
        TracedImages.reading(
            v1,
            "web",
            "bin/start",
            "lib/libc.so",
            "app/main.py",
            "app/config.json",
            "app/data.bin");
    Path traceFile = TracedImages.write(trace, dir.resolve("v1.trace"));
    Path onV1 = dir.resolve("v1.tfr");
    Path onV2 = dir.resolve("v2.tfr");
    assertThat(
            BuilderCli.run(
                    "build-replay",
                    "--image",
                    host + "/app:v1",
                    "--trace",
                    traceFile.toString(),
                    "--out",
                    onV1.toString(),
                    "-q")
                .exitCode())
        .isZero();

    Run run =
        BuilderCli.run(
            "build-replay",
            "--image",
            host + "/app:v2",
            "--trace",
            traceFile.toString(),
            "--out",
            onV2.toString(),
            "--json",
            "-q");

    assertThat(run.exitCode()).as(run.err()).isZero();
    ReplayPlan p1 = read(onV1);
    ReplayPlan p2 = read(onV2);
    assertThat(p2.getManifestDigest()).isEqualTo(v2.digest().toString());
    assertThat(p2.getProvenance().getSourceManifestDigest()).isEqualTo(v1.digest().toString());
    // config.json changed: its bytes are lost, everything else is carried over.
    long configBytes =
        TracedImages.chunks(v1, 1, "app/config.json").stream()
            .mapToLong(EstargzChunk::compressedLength)
            .sum();
    long total = tracedChunks(trace).stream().mapToLong(c -> c[2]).sum();
    double coverage = p2.getProvenance().getCoverage();
    assertThat(coverage)
        .isCloseTo(
            (total - configBytes) / (double) total, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(coverage).isLessThan(1.0).isGreaterThan(0.5);
    JsonNode mapping = run.json().get("plan").get("mapping");
    assertThat(mapping.get("mappedBytes").asLong()).isEqualTo(total - configBytes);
    assertThat(mapping.get("totalBytes").asLong()).isEqualTo(total);

    // The unchanged base layer gets exactly the ranges the v1 plan has for it.
    LayerPlan base1 =
        p1.getLayersList().stream().filter(l -> l.getLayerIndex() == 0).findFirst().orElseThrow();
    LayerPlan base2 =
        p2.getLayersList().stream().filter(l -> l.getLayerIndex() == 0).findFirst().orElseThrow();
    assertThat(base2.getRangesList())
        .extracting(PlannedRange::getCompressedOffset, PlannedRange::getCompressedLength)
        .isEqualTo(
            base1.getRangesList().stream()
                .map(
                    r ->
                        org.assertj.core.groups.Tuple.tuple(
                            r.getCompressedOffset(), r.getCompressedLength()))
                .toList());
    // The changed layer: main.py and data.bin at their v2 offsets, not the new config.json.
    for (String path : List.of("app/main.py", "app/data.bin")) {
      for (EstargzChunk c : TracedImages.chunks(v2, 1, path)) {
        assertThat(covered(p2, 1, c.compressedOffset(), c.compressedLength())).as(path).isTrue();
      }
    }
    EstargzChunk newConfig = TracedImages.chunks(v2, 1, "app/config.json").get(0);
    assertThat(p2.getLayers(1).getRangesList())
        .allSatisfy(
            r ->
                assertThat(r.getChunkDigestsList())
                    .doesNotContain(newConfig.chunkDigest().toString()));
  }

  @Test
  void aTraceOfAnUnrelatedImageIsRefused() throws Exception {
    Path traceFile =
        TracedImages.write(
            TracedImages.reading(other, "web", "srv/index.html"), dir.resolve("other.trace"));
    Path out = dir.resolve("x.tfr");

    Run run =
        BuilderCli.run(
            "build-replay",
            "--image",
            host + "/app:v1",
            "--trace",
            traceFile.toString(),
            "--out",
            out.toString(),
            "-q");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .contains("trace file " + traceFile)
        .contains("recorded on image " + other.digest())
        .contains("it is a trace for a different image");
    assertThat(out).doesNotExist();
  }

  @Test
  void aTraceOfAnImageThatCannotBeFoundIsRefused() throws Exception {
    Trace trace =
        TracedImages.reading(v1, "web", "bin/start").toBuilder()
            .setManifestDigest("sha256:" + "9".repeat(64))
            .setImageReference("")
            .build();
    Path traceFile = TracedImages.write(trace, dir.resolve("lost.trace"));

    Run run =
        BuilderCli.run(
            "build-replay",
            "--image",
            host + "/app:v1",
            "--trace",
            traceFile.toString(),
            "--out",
            dir.resolve("x.tfr").toString(),
            "-q");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("sha256:" + "9".repeat(64)).contains("cannot be found");

    // The reference the recording names may point at a registry that is not reachable here.
    Path elsewhere =
        TracedImages.write(
            trace.toBuilder().setImageReference("127.0.0.1:1/app:v0").build(),
            dir.resolve("elsewhere.trace"));
    Run unreachable =
        BuilderCli.run(
            "build-replay",
            "--image",
            host + "/app:v1",
            "--trace",
            elsewhere.toString(),
            "--out",
            dir.resolve("x.tfr").toString(),
            "-q");
    assertThat(unreachable.exitCode()).isEqualTo(1);
    assertThat(unreachable.err()).contains("(127.0.0.1:1/app:v0)").contains("cannot be found");

    Path garbage =
        TracedImages.write(
            trace.toBuilder().setManifestDigest("latest").build(), dir.resolve("garbage.trace"));
    Run bad =
        BuilderCli.run(
            "build-replay",
            "--image",
            host + "/app:v1",
            "--trace",
            garbage.toString(),
            "--out",
            dir.resolve("x.tfr").toString(),
            "-q");
    assertThat(bad.exitCode()).isEqualTo(1);
    assertThat(bad.err()).contains("manifest_digest 'latest' is not a sha256 digest");
  }

  @Test
  void emptyTracesUnknownLayersAndUnknownChunksAreRefused() throws Exception {
    Trace good = TracedImages.reading(v1, "web", "bin/start");
    Path empty =
        TracedImages.write(good.toBuilder().clearEvents().build(), dir.resolve("empty.trace"));
    Trace badLayer =
        good.toBuilder()
            .setEvents(
                1,
                good.getEvents(1).toBuilder()
                    .setChunks(0, good.getEvents(1).getChunks(0).toBuilder().setLayerIndex(1)))
            .clearLayers()
            .build();
    Trace badOffset =
        good.toBuilder()
            .setEvents(
                1,
                good.getEvents(1).toBuilder()
                    .setChunks(
                        0, good.getEvents(1).getChunks(0).toBuilder().setCompressedOffset(3)))
            .build();
    Trace unknownLayer =
        good.toBuilder()
            .setEvents(
                1,
                good.getEvents(1).toBuilder()
                    .setChunks(0, good.getEvents(1).getChunks(0).toBuilder().setLayerIndex(7)))
            .clearLayers()
            .build();

    Run r1 = replay(empty);
    assertThat(r1.exitCode()).isEqualTo(1);
    assertThat(r1.err()).contains(empty.toString()).contains("is empty");

    Run r2 = replay(TracedImages.write(unknownLayer, dir.resolve("layer7.trace")));
    assertThat(r2.exitCode()).isEqualTo(1);
    assertThat(r2.err()).contains("unknown layer 7").contains("has 2 layers");

    Run r3 = replay(TracedImages.write(badOffset, dir.resolve("offset.trace")));
    assertThat(r3.exitCode()).isEqualTo(1);
    assertThat(r3.err()).contains("compressed offset 3").contains("no chunk");

    Run r4 = replay(TracedImages.write(badLayer, dir.resolve("wrong.trace")));
    assertThat(r4.exitCode()).isEqualTo(1);
    assertThat(r4.err()).contains("layer 1");

    Run r5 = replay(dir.resolve("missing.trace"));
    assertThat(r5.exitCode()).isEqualTo(1);
    assertThat(r5.err()).contains("missing.trace does not exist");
  }

  private Run replay(Path trace) {
    return BuilderCli.run(
        "build-replay",
        "--image",
        host + "/app:v1",
        "--trace",
        trace.toString(),
        "--out",
        dir.resolve("out.tfr").toString(),
        "-q");
  }

  @Test
  void usageErrors() {
    Run none = BuilderCli.run("build-replay", "--image", host + "/app:v1", "--out", "x.tfr");
    assertThat(none.exitCode()).isEqualTo(2);
    assertThat(none.err()).contains("no traces: give --trace FILE ... or --store URL --app NAME");

    Run storeWithoutApp =
        BuilderCli.run(
            "build-replay",
            "--image",
            host + "/app:v1",
            "--store",
            "http://127.0.0.1:1",
            "--out",
            "x.tfr");
    assertThat(storeWithoutApp.exitCode()).isEqualTo(2);
    assertThat(storeWithoutApp.err()).contains("--store needs --app NAME");
  }

  @Test
  void usesTheStoresPlanAndMapsItOntoANewRelease() throws Exception {
    Trace trace = TracedImages.reading(v1, "web", "lib/libc.so", "app/main.py");
    Path onV1 = dir.resolve("v1.tfr");
    assertThat(
            BuilderCli.run(
                    "build-replay",
                    "--image",
                    host + "/app:v1",
                    "--trace",
                    TracedImages.write(trace, dir.resolve("t.trace")).toString(),
                    "--out",
                    onV1.toString(),
                    "-q")
                .exitCode())
        .isZero();
    byte[] planFile = Files.readAllBytes(onV1);
    AtomicReference<String> auth = new AtomicReference<>();
    List<String> paths = new ArrayList<>();
    HttpServer store =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    store.createContext(
        "/",
        exchange -> {
          paths.add(exchange.getRequestURI().getPath());
          auth.set(exchange.getRequestHeaders().getFirst("Authorization"));
          boolean known =
              exchange
                  .getRequestURI()
                  .getPath()
                  .equals("/api/v1/apps/web/images/" + v1.digest() + "/plan");
          byte[] body = known ? planFile : "{\"title\":\"no plan\"}".getBytes();
          exchange.sendResponseHeaders(known ? 200 : 404, body.length);
          try (OutputStream o = exchange.getResponseBody()) {
            o.write(body);
          }
        });
    store.start();
    try {
      String url = "http://127.0.0.1:" + store.getAddress().getPort();
      Path direct = dir.resolve("direct.tfr");
      Run d =
          BuilderCli.run(
              "build-replay",
              "--image",
              host + "/app:v1",
              "--store",
              url,
              "--app",
              "web",
              "--token",
              "tft_secret",
              "--out",
              direct.toString(),
              "-q");
      assertThat(d.exitCode()).as(d.err()).isZero();
      assertThat(read(direct)).isEqualTo(read(onV1));
      assertThat(auth.get()).isEqualTo("Bearer tft_secret");

      Run missing =
          BuilderCli.run(
              "build-replay",
              "--image",
              host + "/app:v2",
              "--store",
              url,
              "--app",
              "web",
              "--out",
              dir.resolve("m.tfr").toString(),
              "-q");
      assertThat(missing.exitCode()).isEqualTo(1);
      assertThat(missing.err()).contains("has no plan for app 'web' and image " + v2.digest());

      Path mapped = dir.resolve("mapped.tfr");
      Run m =
          BuilderCli.run(
              "build-replay",
              "--image",
              host + "/app:v2",
              "--store",
              url,
              "--app",
              "web",
              "--recorded-on",
              v1.digest().toString(),
              "--out",
              mapped.toString(),
              "--json",
              "-q");
      assertThat(m.exitCode()).as(m.err()).isZero();
      ReplayPlan p = read(mapped);
      assertThat(p.getManifestDigest()).isEqualTo(v2.digest().toString());
      assertThat(p.getProvenance().getSourceManifestDigest()).isEqualTo(v1.digest().toString());
      assertThat(p.getProvenance().getCoverage()).isEqualTo(1.0); // libc and main.py unchanged
      assertThat(m.json().get("plan").get("mapping").get("mappedChunks").asInt()).isPositive();
    } finally {
      store.stop(0);
    }
  }

  @Test
  void aManifestListWithoutTheHostPlatformIsRefusedUnlessOneIsChosen() throws Exception {
    try (RegistryClient client = REGISTRY.newClient()) {
      dev.tracefetch.oci.image.Descriptor arm =
          new dev.tracefetch.oci.image.Descriptor(
              v1.raw().mediaType(),
              v1.digest(),
              v1.raw().size(),
              java.util.Map.of(),
              null,
              new dev.tracefetch.oci.image.Platform("linux", "arm64", null));
      client.pushManifest(
          "app",
          "multi",
          dev.tracefetch.oci.image.MediaTypes.OCI_INDEX,
          dev.tracefetch.oci.image.ImageIndex.oci(List.of(arm)).toJson());
    }
    Path trace =
        TracedImages.write(TracedImages.reading(v1, "web", "bin/start"), dir.resolve("t.trace"));
    Path out = dir.resolve("multi.tfr");

    Run refused =
        BuilderCli.run(
            "build-replay",
            "--image",
            host + "/app:multi",
            "--trace",
            trace.toString(),
            "--out",
            out.toString(),
            "-q");
    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.err()).contains("linux/arm64").contains("--platform");
    assertThat(out).doesNotExist();

    Run chosen =
        BuilderCli.run(
            "build-replay",
            "--image",
            host + "/app:multi",
            "--platform",
            "linux/arm64",
            "--trace",
            trace.toString(),
            "--out",
            out.toString(),
            "-q");
    assertThat(chosen.exitCode()).as(chosen.err()).isZero();
    assertThat(read(out).getManifestDigest()).isEqualTo(v1.digest().toString());
  }
}
