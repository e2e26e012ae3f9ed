package dev.tracefetch.builder.layer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracefetch.api.files.ReadLimits;
import dev.tracefetch.api.files.ReplayArtifacts;
import dev.tracefetch.api.files.ReplayFiles;
import dev.tracefetch.api.v1.ReplayPlan;
import dev.tracefetch.builder.plan.IndexedImage;
import dev.tracefetch.builder.testing.BuilderCli;
import dev.tracefetch.builder.testing.BuilderCli.Run;
import dev.tracefetch.builder.testing.EstargzChecks;
import dev.tracefetch.builder.testing.Tools;
import dev.tracefetch.builder.testing.TracedImages;
import dev.tracefetch.oci.image.Descriptor;
import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.image.ImageConfig;
import dev.tracefetch.oci.image.ImageManifest;
import dev.tracefetch.oci.image.MediaTypes;
import dev.tracefetch.oci.image.RawManifest;
import dev.tracefetch.oci.registry.RegistryClient;
import dev.tracefetch.oci.testing.RegistryExtension;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code build-layer} and {@code strip-layer} against a real registry, read back by skopeo. */
class TraceLayerIT {
  @RegisterExtension static final RegistryExtension REGISTRY = RegistryExtension.anonymous();

  static IndexedImage v1;
  static String host;

  @TempDir Path dir;

  @BeforeAll
  static void pushImage() throws IOException {
    host = REGISTRY.hostPort();
    try (RegistryClient client = REGISTRY.newClient()) {
      v1 = TracedImages.push(client, "app", "v1", TracedImages.base(), TracedImages.app(1));
    }
  }

  record Pulled(RawManifest raw, ImageManifest manifest, ImageConfig config) {}

  static Pulled pull(String repo, String tag) throws IOException {
    try (RegistryClient client = REGISTRY.newClient()) {
      RawManifest raw = client.pullManifest(repo, tag);
      ImageManifest m = ImageManifest.parse(raw.mediaType(), raw.bytes());
      return new Pulled(raw, m, ImageConfig.parse(blob(client, repo, m.config())));
    }
  }

  static byte[] blob(RegistryClient client, String repo, Descriptor d) throws IOException {
    try (InputStream in = client.fetchBlob(repo, d)) {
      return in.readAllBytes();
    }
  }

  static byte[] entry(byte[] tar, String name) throws IOException {
    try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
      for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        if (e.getName().equals(name)) {
          return in.readAllBytes();
        }
      }
    }
    throw new AssertionError(name + " not in the tar");
  }

  Path trace() throws IOException {
    return TracedImages.write(
        TracedImages.reading(v1, "web", "bin/start", "lib/libc.so", "app/main.py"),
        dir.resolve("t.trace"));
  }

  @Test
  void buildLayerTwiceGivesOneTraceLayerAndStripGivesBackTheImage() throws Exception {
    Path trace = trace();
    Run first =
        BuilderCli.run(
            "build-layer",
            "--image",
            host + "/app:v1",
            "--trace",
            trace.toString(),
            "--push",
            host + "/app:traced",
            "--json");
    assertThat(first.exitCode()).as(first.err()).isZero();
    assertThat(first.err()).contains("[3/3] pushed");

    Pulled traced = pull("app", "traced");
    Pulled original = pull("app", "v1");
    List<Descriptor> layers = traced.manifest().layers();
    assertThat(layers).hasSize(3);
    assertThat(layers.subList(0, 2)).isEqualTo(original.manifest().layers());
    Descriptor top = layers.get(2);
    assertThat(top.mediaType()).isEqualTo(MediaTypes.OCI_LAYER_TAR);
    assertThat(top.annotations()).containsEntry(ReplayArtifacts.TRACE_LAYER_ANNOTATION, "true");
    assertThat(traced.config().diffIds())
        .hasSize(3)
        .startsWith(original.config().diffIds().toArray(Digest[]::new))
        .endsWith(top.digest()); // uncompressed: diff_id = blob digest
    assertThat(traced.config().history()).hasSize(original.config().history().size() + 1);
    assertThat(traced.config().env()).isEqualTo(original.config().env());
    byte[] tar;
    try (RegistryClient client = REGISTRY.newClient()) {
      tar = blob(client, "app", top);
    }
    List<EstargzChecks.Entry> entries = EstargzChecks.entries(tar);
    assertThat(entries)
        .extracting(EstargzChecks.Entry::name)
        .containsExactly(".tracefetch/", ReplayArtifacts.TRACE_LAYER_PATH);
    ReplayPlan plan =
        ReplayFiles.read(entry(tar, ReplayArtifacts.TRACE_LAYER_PATH), ReadLimits.defaults());
    assertThat(plan.getManifestDigest()).isEqualTo(v1.digest().toString());
    assertThat(plan.getLayersCount()).isEqualTo(2);

    // Again, on the image that already has a trace layer: it is replaced, not stacked.
    Run second =
        BuilderCli.run(
            "build-layer",
            "--image",
            host + "/app:traced",
            "--trace",
            trace.toString(),
            "--push",
            host + "/app:traced2",
            "--json",
            "-q");
    assertThat(second.exitCode()).as(second.err()).isZero();
    assertThat(second.json().get("replacedTraceLayers").asInt()).isEqualTo(1);
    Pulled twice = pull("app", "traced2");
    assertThat(twice.manifest().layers()).hasSize(3);
    assertThat(twice.manifest().layers())
        .filteredOn(TraceLayer::isTraceLayer)
        .hasSize(1)
        .first()
        .isEqualTo(twice.manifest().layers().get(2));
    assertThat(twice.manifest().layers().subList(0, 2)).isEqualTo(original.manifest().layers());
    assertThat(twice.config().diffIds()).hasSize(3);
    assertThat(twice.config().history()).hasSize(original.config().history().size() + 1);

    // strip-layer gives back the original layers, diff_ids and history.
    Run strip =
        BuilderCli.run(
            "strip-layer", host + "/app:traced2", "--push", host + "/app:stripped", "--json", "-q");
    assertThat(strip.exitCode()).as(strip.err()).isZero();
    assertThat(strip.json().get("removedTraceLayers").asInt()).isEqualTo(1);
    Pulled stripped = pull("app", "stripped");
    assertThat(stripped.manifest().layers()).isEqualTo(original.manifest().layers());
    assertThat(stripped.config()).isEqualTo(original.config());
    assertThat(stripped.raw().digest()).isEqualTo(original.raw().digest());

    // Stripping an image without a trace layer pushes it unchanged.
    Run again =
        BuilderCli.run("strip-layer", host + "/app:v1", "--push", host + "/app:same", "--json");
    assertThat(again.exitCode()).as(again.err()).isZero();
    assertThat(again.json().get("manifest").get("digest").asText())
        .isEqualTo(original.raw().digest().toString());
  }

  @Test
  void skopeoReadsAndCopiesTheTracedImageAndUmociUnpacksTheReplayFile() throws Exception {
    Run run =
        BuilderCli.run(
            "build-layer",
            "--image",
            host + "/app:v1",
            "--trace",
            trace().toString(),
            "--push",
            host + "/app:skopeo",
            "-q");
    assertThat(run.exitCode()).as(run.err()).isZero();

    JsonNode inspect =
        new ObjectMapper()
            .readTree(
                Tools.skopeo("inspect", "--tls-verify=false", "docker://" + host + "/app:skopeo"));
    assertThat(inspect.get("Layers")).hasSize(3);
    Path layout = dir.resolve("layout");
    Tools.skopeo(
        "copy",
        "--src-tls-verify=false",
        "docker://" + host + "/app:skopeo",
        "oci:" + layout + ":t");
    Path bundle = dir.resolve("bundle");
    Tools.umoci("unpack", "--image", layout + ":t", bundle.toString());
    Path replay = bundle.resolve("rootfs").resolve(ReplayArtifacts.TRACE_LAYER_PATH);
    assertThat(replay).isRegularFile();
    assertThat(ReplayFiles.read(replay, ReadLimits.defaults()).getManifestDigest())
        .isEqualTo(v1.digest().toString());
    assertThat(Files.readString(bundle.resolve("rootfs/app/main.py")))
        .isEqualTo("import lib\nlib.run()\n");
    assertThat(Files.size(bundle.resolve("rootfs/lib/libc.so")))
        .isEqualTo(5L * TracedImages.CHUNK + 100);
  }

  @Test
  void nothingIsTaggedWhenThePlanCannotBeBuilt() throws Exception {
    Path empty =
        TracedImages.write(
            TracedImages.reading(v1, "web", "bin/start").toBuilder().clearEvents().build(),
            dir.resolve("empty.trace"));

    Run run =
        BuilderCli.run(
            "build-layer",
            "--image",
            host + "/app:v1",
            "--trace",
            empty.toString(),
            "--push",
            host + "/app:never",
            "-q");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("is empty");
    try (RegistryClient client = REGISTRY.newClient()) {
      assertThat(client.listTags("app")).doesNotContain("never");
    }
  }
}
