package dev.tracefetch.oci.layout;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracefetch.oci.image.Descriptor;
import dev.tracefetch.oci.image.DigestMismatchException;
import dev.tracefetch.oci.image.HistoryEntry;
import dev.tracefetch.oci.image.ImageConfig;
import dev.tracefetch.oci.image.ImageIndex;
import dev.tracefetch.oci.image.ImageManifest;
import dev.tracefetch.oci.image.MediaTypes;
import dev.tracefetch.oci.image.Platform;
import dev.tracefetch.oci.image.RawManifest;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Layouts written by umoci and skopeo are read by {@link OciLayout}, and the other way round. */
class OciLayoutIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  /**
   * umoci init + new + unpack/repack + config: an image with one layer made by a real tool. (The
   * Debian umoci 0.4.7 {@code insert} writes a truncated tar, so the layer is made by repack.)
   */
  private Path umociImage() throws Exception {
    Path layout = tmp.resolve("umoci-layout");
    Path bundle = tmp.resolve("umoci-bundle");
    Tools.umoci("init", "--layout", layout.toString());
    Tools.umoci("new", "--image", layout + ":t1");
    Tools.umoci("unpack", "--image", layout + ":t1", bundle.toString());
    Files.createDirectories(bundle.resolve("rootfs/etc"));
    Files.writeString(bundle.resolve("rootfs/etc/hello.txt"), "hello from umoci\n");
    Tools.umoci("repack", "--image", layout + ":t1", bundle.toString());
    Tools.umoci(
        "config",
        "--image",
        layout + ":t1",
        "--config.env",
        "GREETING=hi",
        "--config.cmd",
        "/bin/cat",
        "--config.workingdir",
        "/etc",
        "--config.label",
        "org.example=yes");
    return layout;
  }

  @Test
  void readsALayoutUmociWrote() throws Exception {
    OciLayout layout = OciLayout.open(umociImage());
    assertThat(layout.tags()).containsExactly("t1");

    RawManifest raw = layout.resolve("t1", Platform.linuxAmd64());
    ImageManifest manifest = (ImageManifest) raw.parse();
    assertThat(manifest.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
    assertThat(manifest.layers()).hasSize(1);
    // Our digest of the bytes is what umoci's index.json recorded.
    assertThat(raw.digest()).isEqualTo(layout.find("t1").orElseThrow().digest());

    ImageConfig config = ImageConfig.parse(layout.readBlob(manifest.config()));
    assertThat(config.platform()).isEqualTo(Platform.host());
    assertThat(config.env()).contains("GREETING=hi");
    assertThat(config.cmd()).containsExactly("/bin/cat");
    assertThat(config.workingDir()).isEqualTo("/etc");
    assertThat(config.labels()).containsEntry("org.example", "yes");
    assertThat(config.diffIds()).hasSize(1);

    byte[] layer;
    try (InputStream in = layout.blob(manifest.layers().get(0).digest())) {
      layer = in.readAllBytes(); // verified when the end is reached
    }
    assertThat(layer).hasSize((int) manifest.layers().get(0).size());
    assertThat(TestLayers.files(layer)).containsEntry("etc/hello.txt", "hello from umoci\n");

    // Re-serialising umoci's compact config keeps every field and its order; only the trailing
    // newline Go's json.Encoder adds is gone.
    String umociJson = new String(layout.readBlob(manifest.config()), UTF_8);
    assertThat(umociJson).endsWith("}\n");
    assertThat(new String(config.toJson(), UTF_8)).isEqualTo(umociJson.stripTrailing());
  }

  @Test
  void corruptedBlobInAUmociLayoutIsADigestMismatch() throws Exception {
    OciLayout layout = OciLayout.open(umociImage());
    ImageManifest manifest = (ImageManifest) layout.resolve("t1", Platform.linuxAmd64()).parse();
    Descriptor layerDescriptor = manifest.layers().get(0);
    Path file = layout.blobPath(layerDescriptor.digest());
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 0x01;
    Files.write(file, bytes);

    try (InputStream in = layout.blob(layerDescriptor.digest())) {
      assertThatThrownBy(in::readAllBytes)
          .isInstanceOf(DigestMismatchException.class)
          .hasMessageContaining(layerDescriptor.digest().toString());
    }
    assertThatThrownBy(() -> layout.readBlob(layerDescriptor))
        .isInstanceOf(DigestMismatchException.class);
    // skopeo agrees that the layout is now broken.
    Tools.Result copy =
        Tools.run(
            "skopeo",
            "--insecure-policy",
            "copy",
            "oci:" + layout.directory() + ":t1",
            "dir:" + tmp.resolve("out"));
    assertThat(copy.exitCode()).as(copy.output()).isNotZero();
  }

  /** Writes a one-layer gzip image with our code; returns its manifest. */
  private static RawManifest writeImage(
      OciLayout layout, Platform platform, Map<String, String> files) throws Exception {
    TestLayers.Layer layer = TestLayers.tarGz(files);
    Descriptor layerDescriptor = layout.writeBlob(MediaTypes.OCI_LAYER_GZIP, layer.compressed());
    ImageConfig config =
        ImageConfig.empty(platform)
            .withAppendedLayer(
                layer.diffId(),
                HistoryEntry.forLayer(
                    Instant.parse("2025-01-02T03:04:05Z"), "tracefetch test", null))
            .withEnv(List.of("PATH=/usr/bin:/bin"))
            .withCmd(List.of("/app/run"));
    Descriptor configDescriptor = layout.writeBlob(MediaTypes.OCI_CONFIG, config.toJson());
    RawManifest manifest = ImageManifest.oci(configDescriptor, List.of(layerDescriptor)).toRaw();
    layout.writeManifest(manifest);
    return manifest;
  }

  @Test
  void skopeoAndUmociAcceptALayoutWeWrote() throws Exception {
    Path dir = tmp.resolve("ours");
    OciLayout layout = OciLayout.create(dir);
    Map<String, String> files = new LinkedHashMap<>();
    files.put("app/hello.txt", "hello from tracefetch\n");
    files.put("app/run", "#!/bin/sh\necho run\n");
    RawManifest manifest = writeImage(layout, Platform.linuxAmd64(), files);
    layout.tag("v1", manifest.descriptor());

    JsonNode inspect = JSON.readTree(Tools.skopeo("inspect", "oci:" + dir + ":v1"));
    assertThat(inspect.get("Digest").asText()).isEqualTo(manifest.digest().toString());
    ImageManifest parsed = (ImageManifest) manifest.parse();
    assertThat(inspect.get("Layers").get(0).asText())
        .isEqualTo(parsed.layers().get(0).digest().toString());
    assertThat(inspect.get("Architecture").asText()).isEqualTo("amd64");
    assertThat(inspect.get("Env").get(0).asText()).isEqualTo("PATH=/usr/bin:/bin");

    Path out = tmp.resolve("dir-copy");
    Tools.skopeo("copy", "oci:" + dir + ":v1", "dir:" + out);
    // No conversion was needed, so skopeo kept our manifest byte for byte.
    assertThat(out.resolve("manifest.json")).hasBinaryContent(manifest.bytes());
    assertThat(out.resolve(parsed.layers().get(0).digest().hex()))
        .hasBinaryContent(layout.readBlob(parsed.layers().get(0)));

    assertThat(Tools.umoci("ls", "--layout", dir.toString()).lines()).containsExactly("v1");
    Path bundle = tmp.resolve("bundle");
    Tools.umoci("unpack", "--image", dir + ":v1", bundle.toString());
    assertThat(bundle.resolve("rootfs/app/hello.txt")).hasContent("hello from tracefetch\n");
    assertThat(bundle.resolve("rootfs/app/run")).hasContent("#!/bin/sh\necho run\n");
    JsonNode runtime = JSON.readTree(bundle.resolve("config.json").toFile());
    assertThat(runtime.get("process").get("args").get(0).asText()).isEqualTo("/app/run");
  }

  @Test
  void skopeoWritesIntoOurLayoutAndWeKeepItsEntries() throws Exception {
    Path umoci = umociImage();
    Path dir = tmp.resolve("shared");
    OciLayout layout = OciLayout.create(dir);
    RawManifest ours = writeImage(layout, Platform.linuxAmd64(), Map.of("app/a", "a"));
    layout.tag("ours", ours.descriptor());

    Tools.skopeo("copy", "oci:" + umoci + ":t1", "oci:" + dir + ":copied");
    assertThat(layout.tags()).containsExactlyInAnyOrder("ours", "copied");
    RawManifest copied = layout.resolve("copied", Platform.linuxAmd64());
    assertThat(copied).isEqualTo(OciLayout.open(umoci).manifest("t1"));

    // Retagging with our code keeps skopeo's entry and skopeo can still read both.
    layout.tag("again", copied.descriptor());
    assertThat(layout.tags()).containsExactlyInAnyOrder("ours", "copied", "again");
    for (String tag : List.of("ours", "copied", "again")) {
      JsonNode inspect = JSON.readTree(Tools.skopeo("inspect", "oci:" + dir + ":" + tag));
      assertThat(inspect.get("Digest").asText())
          .isEqualTo(layout.find(tag).orElseThrow().digest().toString());
    }
  }

  @Test
  void multiPlatformIndexWeWroteIsCopiedBySkopeoAndResolvedBack() throws Exception {
    Path dir = tmp.resolve("multi");
    OciLayout layout = OciLayout.create(dir);
    Platform arm64 = new Platform("linux", "arm64", "v8");
    RawManifest amd = writeImage(layout, Platform.linuxAmd64(), Map.of("app/arch", "amd64"));
    RawManifest arm = writeImage(layout, arm64, Map.of("app/arch", "arm64"));
    List<Descriptor> entries = new ArrayList<>();
    for (var pair : List.of(Map.entry(amd, Platform.linuxAmd64()), Map.entry(arm, arm64))) {
      Descriptor d = pair.getKey().descriptor();
      entries.add(
          new Descriptor(d.mediaType(), d.digest(), d.size(), Map.of(), null, pair.getValue()));
    }
    RawManifest index = ImageIndex.oci(entries).toRaw();
    layout.writeManifest(index);
    layout.tag("multi", index.descriptor());

    Path copyDir = tmp.resolve("multi-copy");
    Tools.skopeo("copy", "--all", "oci:" + dir + ":multi", "oci:" + copyDir + ":multi");
    OciLayout copy = OciLayout.open(copyDir);
    assertThat(copy.manifest("multi")).isEqualTo(index);
    assertThat(copy.resolve("multi", Platform.linuxAmd64())).isEqualTo(amd);
    RawManifest resolvedArm = copy.resolve("multi", new Platform("linux", "arm64", null));
    assertThat(resolvedArm).isEqualTo(arm);
    ImageManifest armManifest = (ImageManifest) resolvedArm.parse();
    try (InputStream in = copy.blob(armManifest.layers().get(0).digest())) {
      assertThat(TestLayers.files(in.readAllBytes())).containsEntry("app/arch", "arm64");
    }
  }
}
