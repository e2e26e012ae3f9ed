package dev.tracefetch.builder.optimize;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.tracefetch.builder.plan.IndexedImage;
import dev.tracefetch.builder.testing.BuilderCli;
import dev.tracefetch.builder.testing.BuilderCli.Run;
import dev.tracefetch.builder.testing.EstargzChecks;
import dev.tracefetch.builder.testing.RootfsTree;
import dev.tracefetch.builder.testing.Tools;
import dev.tracefetch.builder.testing.TracedImages;
import dev.tracefetch.layer.estargz.Estargz;
import dev.tracefetch.layer.estargz.EstargzIndex;
import dev.tracefetch.layer.estargz.TocEntry;
import dev.tracefetch.layer.estargz.TocEntryType;
import dev.tracefetch.oci.image.Descriptor;
import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.image.ImageConfig;
import dev.tracefetch.oci.image.ImageManifest;
import dev.tracefetch.oci.image.RawManifest;
import dev.tracefetch.oci.registry.RegistryClient;
import dev.tracefetch.oci.testing.RegistryExtension;
import dev.tracefetch.oci.testing.TestLayer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code optimize} against a real registry, checked by our eStargz reader and GNU tar. */
class OptimizeIT {
  @RegisterExtension static final RegistryExtension REGISTRY = RegistryExtension.anonymous();

  static IndexedImage image;
  static String host;

  @TempDir Path dir;

  @BeforeAll
  static void pushImage() throws IOException {
    host = REGISTRY.hostPort();
    TestLayer untouched =
        TestLayer.builder()
            .file("srv/static/index.html", "<p>never read at start</p>\n")
            .largeFile("srv/static/video.bin", 3 * TracedImages.CHUNK, 9)
            .build();
    try (RegistryClient client = REGISTRY.newClient()) {
      image =
          TracedImages.push(
              client, "app", "v1", TracedImages.base(), TracedImages.app(1), untouched);
    }
  }

  record Pulled(ImageManifest manifest, ImageConfig config) {}

  static Pulled pull(String tag) throws IOException {
    try (RegistryClient client = REGISTRY.newClient()) {
      RawManifest raw = client.pullManifest("app", tag);
      ImageManifest m = ImageManifest.parse(raw.mediaType(), raw.bytes());
      return new Pulled(m, ImageConfig.parse(blob(m.config())));
    }
  }

  static byte[] blob(Descriptor d) throws IOException {
    try (RegistryClient client = REGISTRY.newClient();
        InputStream in = client.fetchBlob("app", d)) {
      return in.readAllBytes();
    }
  }

  /** Regular files of the TOC in blob order, up to and including the first landmark. */
  static List<String> head(EstargzIndex index) {
    List<String> out = new ArrayList<>();
    for (TocEntry e : index.toc().entries()) {
      if (e.type() != TocEntryType.REG) {
        continue;
      }
      String name = e.name().replaceFirst("^\\./", "");
      out.add(name);
      if (Estargz.isLandmark(name)) {
        break;
      }
    }
    return out;
  }

  @Test
  void tracedFilesComeFirstInFirstAccessOrderAndTheImageStaysTheSame() throws Exception {
    // First accesses interleave the layers: data.bin (app), libm (base), start (base), main (app).
    Path trace =
        TracedImages.write(
            TracedImages.reading(
                image, "web", "app/data.bin", "lib/libm.so", "bin/start", "app/main.py"),
            dir.resolve("t.trace"));

    Run run =
        BuilderCli.run(
            "optimize",
            "--image",
            host + "/app:v1",
            "--trace",
            trace.toString(),
            "--push",
            host + "/app:opt",
            "--json");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.err()).contains("[2/5] plan from trace file").contains("[5/5] layer");
    JsonNode json = run.json();
    assertThat(json.get("prioritizedFilesPerLayer").get("0").asInt()).isEqualTo(2);
    assertThat(json.get("prioritizedFilesPerLayer").get("1").asInt()).isEqualTo(2);
    Pulled in = pull("v1");
    Pulled out = pull("opt");
    List<Descriptor> layers = out.manifest().layers();
    assertThat(layers).hasSize(3);
    // The layer without traced files keeps its digest; the others are rewritten.
    assertThat(layers.get(2)).isEqualTo(in.manifest().layers().get(2));
    assertThat(layers.get(0).digest()).isNotEqualTo(in.manifest().layers().get(0).digest());
    assertThat(layers.get(1).digest()).isNotEqualTo(in.manifest().layers().get(1).digest());
    assertThat(out.config().history()).isEqualTo(in.config().history());

    List<List<String>> heads = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      EstargzIndex index =
          EstargzChecks.verify(layers.get(i), blob(layers.get(i)), out.config().diffIds().get(i));
      heads.add(head(index));
    }
    assertThat(heads.get(0)).containsExactly("lib/libm.so", "bin/start", ".prefetch.landmark");
    assertThat(heads.get(1)).containsExactly("app/data.bin", "app/main.py", ".prefetch.landmark");
    assertThat(heads.get(2)).containsExactly(".no.prefetch.landmark");

    // Plain tar unpacks every rewritten layer to the same tree as the input layer.
    for (int i = 0; i < 2; i++) {
      Path a = unpack(blob(in.manifest().layers().get(i)), dir.resolve("in-" + i));
      Path b = unpack(blob(layers.get(i)), dir.resolve("out-" + i));
      Set<String> inPaths = withoutLandmarks(RootfsTree.paths(a));
      Set<String> outPaths = withoutLandmarks(RootfsTree.paths(b));
      assertThat(outPaths).isEqualTo(inPaths);
      for (String p : inPaths) {
        Path fa = a.resolve(p);
        if (Files.isRegularFile(fa) && !p.equals(Estargz.TOC_TAR_NAME)) {
          assertThat(Digest.of(Files.readAllBytes(b.resolve(p))))
              .as(p)
              .isEqualTo(Digest.of(Files.readAllBytes(fa)));
          assertThat(Files.getLastModifiedTime(b.resolve(p)))
              .as("mtime of " + p)
              .isEqualTo(Files.getLastModifiedTime(fa));
        }
      }
      assertThat(RootfsTree.paths(b)).contains(".prefetch.landmark");
    }

    // skopeo reads and copies the optimized image.
    Tools.skopeo("inspect", "--tls-verify=false", "docker://" + host + "/app:opt");
    Tools.skopeo(
        "copy",
        "--src-tls-verify=false",
        "docker://" + host + "/app:opt",
        "oci:" + dir.resolve("copy") + ":opt");

    // Optimizing again with the same trace reproduces the same layers.
    Run again =
        BuilderCli.run(
            "optimize",
            "--image",
            host + "/app:v1",
            "--trace",
            trace.toString(),
            "--push",
            host + "/app:opt2",
            "-q");
    assertThat(again.exitCode()).as(again.err()).isZero();
    assertThat(pull("opt2").manifest().layers()).isEqualTo(layers);
  }

  @Test
  void refusesAnImageWithATraceLayer() throws Exception {
    Path trace =
        TracedImages.write(TracedImages.reading(image, "web", "bin/start"), dir.resolve("t.trace"));
    Run layer =
        BuilderCli.run(
            "build-layer",
            "--image",
            host + "/app:v1",
            "--trace",
            trace.toString(),
            "--push",
            host + "/app:traced",
            "-q");
    assertThat(layer.exitCode()).as(layer.err()).isZero();

    Run run =
        BuilderCli.run(
            "optimize",
            "--image",
            host + "/app:traced",
            "--trace",
            trace.toString(),
            "--push",
            host + "/app:bad",
            "-q");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("has a trace layer").contains("strip-layer");
  }

  @Test
  void takesTheFileOrderFromAStorePlan() throws Exception {
    Path trace =
        TracedImages.write(
            TracedImages.reading(image, "web", "app/main.py", "lib/libm.so", "bin/start"),
            dir.resolve("t.trace"));
    Path plan = dir.resolve("plan.tfr");
    Run built =
        BuilderCli.run(
            "build-replay",
            "--image",
            host + "/app:v1",
            "--trace",
            trace.toString(),
            "--out",
            plan.toString(),
            "-q");
    assertThat(built.exitCode()).as(built.err()).isZero();
    byte[] planFile = Files.readAllBytes(plan);
    HttpServer store =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    store.createContext(
        "/",
        exchange -> {
          exchange.sendResponseHeaders(200, planFile.length);
          try (OutputStream o = exchange.getResponseBody()) {
            o.write(planFile);
          }
        });
    store.start();
    Run run;
    try {
      run =
          BuilderCli.run(
              "optimize",
              "--image",
              host + "/app:v1",
              "--store",
              "http://127.0.0.1:" + store.getAddress().getPort(),
              "--app",
              "web",
              "--push",
              host + "/app:opt-store",
              "-q");
    } finally {
      store.stop(0);
    }

    assertThat(run.exitCode()).as(run.err()).isZero();
    Pulled out = pull("opt-store");
    // The store's ranges are coalesced, so within a layer the files come in blob order; exactly
    // the files the start read are prioritized.
    EstargzIndex base =
        EstargzChecks.verify(
            out.manifest().layers().get(0),
            blob(out.manifest().layers().get(0)),
            out.config().diffIds().get(0));
    assertThat(head(base))
        .hasSize(3)
        .endsWith(".prefetch.landmark")
        .contains("lib/libm.so", "bin/start");
    EstargzIndex app =
        EstargzChecks.verify(
            out.manifest().layers().get(1),
            blob(out.manifest().layers().get(1)),
            out.config().diffIds().get(1));
    assertThat(head(app)).containsExactly("app/main.py", ".prefetch.landmark");
  }

  static Path unpack(byte[] blob, Path target) throws Exception {
    Files.createDirectories(target);
    Path file = target.resolveSibling(target.getFileName() + ".tar.gz");
    Files.write(file, blob);
    Tools.ok("tar", "-xzf", file.toString(), "-C", target.toString());
    return target;
  }

  static Set<String> withoutLandmarks(Set<String> paths) {
    Set<String> out = new TreeSet<>();
    try (Stream<String> s = paths.stream()) {
      s.filter(p -> !Estargz.isLandmark(p)).forEach(out::add);
    }
    return out;
  }
}
