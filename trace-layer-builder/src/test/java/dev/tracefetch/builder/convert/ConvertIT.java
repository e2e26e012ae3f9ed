package dev.tracefetch.builder.convert;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracefetch.builder.cli.TraceLayerBuilderCommand;
import dev.tracefetch.builder.testing.EstargzChecks;
import dev.tracefetch.builder.testing.MixedImage;
import dev.tracefetch.builder.testing.MixedImage.Encoding;
import dev.tracefetch.builder.testing.RootfsTree;
import dev.tracefetch.builder.testing.Tools;
import dev.tracefetch.layer.estargz.Estargz;
import dev.tracefetch.oci.image.Descriptor;
import dev.tracefetch.oci.image.ImageConfig;
import dev.tracefetch.oci.image.ImageManifest;
import dev.tracefetch.oci.image.MediaTypes;
import dev.tracefetch.oci.image.RawManifest;
import dev.tracefetch.oci.layout.OciLayout;
import dev.tracefetch.oci.registry.RegistryClient;
import dev.tracefetch.oci.testing.RegistryExtension;
import dev.tracefetch.oci.testing.TestEntry;
import dev.tracefetch.oci.testing.TestImage;
import dev.tracefetch.oci.testing.TestImages;
import dev.tracefetch.oci.testing.TestLayer;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code trace-layer-builder convert} run in-process against a real registry, with the results
 * checked by our eStargz reader and by the real {@code tar}, {@code skopeo} and {@code umoci}.
 */
class ConvertIT {
  @RegisterExtension static final RegistryExtension REGISTRY = RegistryExtension.anonymous();

  /**
   * What the eStargz format adds to every layer and so to a rootfs unpacked without eStargz
   * support.
   */
  static final Set<String> ESTARGZ_EXTRAS =
      Set.of(Estargz.TOC_TAR_NAME, Estargz.NO_PREFETCH_LANDMARK);

  static MixedImage image;
  static String host;

  @TempDir Path dir;

  /**
   * The sample image's layers (every entry kind) as gzip, plain tar and zstd, plus one more gzip.
   */
  @BeforeAll
  static void pushSource() throws IOException {
    TestImage sample = TestImages.sample();
    TestLayer extra =
        TestLayer.builder()
            .add(
                TestEntry.file("etc/hostname", "top\n")
                    .withMtime(Instant.parse("2022-02-02T02:02:02Z")))
            .add(TestEntry.file("usr/local/bin/run", "#!/bin/sh\nexec true\n").withMode(0755))
            .build();
    image =
        MixedImage.builder()
            .layer(sample.layers().get(0).source(), Encoding.GZIP)
            .layer(sample.layers().get(1).source(), Encoding.TAR)
            .layer(sample.layers().get(2).source(), Encoding.ZSTD)
            .layer(extra, Encoding.GZIP_MEMBERS)
            .build();
    host = REGISTRY.hostPort();
    try (RegistryClient client = REGISTRY.newClient()) {
      image.push(client, "src/app", "v1");
    }
  }

  record Run(int exitCode, String out, String err) {
    JsonNode json() throws IOException {
      return new ObjectMapper().readTree(out);
    }
  }

  static Run convert(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> all = new ArrayList<>(List.of("convert"));
    all.addAll(List.of(args));
    int code =
        new picocli.CommandLine(new TraceLayerBuilderCommand())
            .setOut(new PrintWriter(out))
            .setErr(new PrintWriter(err))
            .execute(all.toArray(String[]::new));
    return new Run(code, out.toString(), err.toString());
  }

  static byte[] blob(RegistryClient client, String repo, Descriptor d) throws IOException {
    try (InputStream in = client.fetchBlob(repo, d)) {
      return in.readAllBytes();
    }
  }

  @Test
  void convertsARegistryImageThatEveryToolStillReads() throws Exception {
    Run run = convert(host + "/src/app:v1", host + "/esgz/app:v1", "--json");
    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode json = run.json();
    assertThat(json.get("layers")).hasSize(4);
    List<String> compressions = new ArrayList<>();
    json.get("layers").forEach(l -> compressions.add(l.get("sourceCompression").asText()));
    assertThat(compressions).containsExactly("gzip", "tar", "zstd", "gzip");
    assertThat(run.err()).contains("[4/4] layer");

    try (RegistryClient client = REGISTRY.newClient()) {
      RawManifest raw = client.pullManifest("esgz/app", "v1");
      assertThat(raw.digest().toString()).isEqualTo(json.get("manifest").get("digest").asText());
      ImageManifest m = ImageManifest.parse(raw.mediaType(), raw.bytes());
      ImageConfig config = ImageConfig.parse(blob(client, "esgz/app", m.config()));
      ImageConfig source = ImageConfig.parse(image.config());
      assertThat(config.history()).isEqualTo(source.history());
      assertThat(config.env()).isEqualTo(source.env());
      assertThat(m.layers()).hasSize(4);
      for (int i = 0; i < m.layers().size(); i++) {
        Descriptor layer = m.layers().get(i);
        assertThat(layer.mediaType()).isEqualTo(MediaTypes.OCI_LAYER_GZIP);
        assertThat(layer.annotations())
            .containsKeys(Estargz.TOC_DIGEST_ANNOTATION, Estargz.UNCOMPRESSED_SIZE_ANNOTATION);
        byte[] blob = blob(client, "esgz/app", layer);
        EstargzChecks.verify(layer, blob, config.diffIds().get(i));

        // The real GNU tar lists the blob as a tar.gz: the source's entries, then landmark and TOC.
        Path file = dir.resolve("layer-" + i + ".tar.gz");
        Files.write(file, blob);
        List<String> listed = Tools.ok("tar", "-tzf", file.toString()).lines().toList();
        assertThat(listed.get(listed.size() - 1)).isEqualTo(Estargz.TOC_TAR_NAME);
        assertThat(listed).contains(Estargz.NO_PREFETCH_LANDMARK);
        List<String> sourceNames =
            EstargzChecks.entries(image.layers().get(i).source().tar()).stream()
                .map(EstargzChecks.Entry::name)
                .toList();
        assertThat(listed).containsAll(sourceNames).hasSize(sourceNames.size() + 2);
      }
    }

    // A plain skopeo copy and umoci unpack give the source's tree, plus the TOC and landmark files.
    Path layout = dir.resolve("copied");
    Tools.skopeo(
        "copy",
        "--src-tls-verify=false",
        "docker://" + host + "/esgz/app:v1",
        "oci:" + layout + ":v1");
    Path bundle = dir.resolve("bundle");
    Tools.umoci("unpack", "--image", layout + ":v1", bundle.toString());
    RootfsTree.assertMatches(bundle.resolve("rootfs"), image.expectedTree(), ESTARGZ_EXTRAS);
  }

  @Test
  void convertingAConvertedImageKeepsEveryByte() throws Exception {
    Run first = convert(host + "/src/app:v1", host + "/once/app:v1", "--json", "-q");
    assertThat(first.exitCode()).as(first.err()).isZero();

    Run second = convert(host + "/once/app:v1", host + "/twice/app:v1", "--json", "-q");

    assertThat(second.exitCode()).as(second.err()).isZero();
    JsonNode a = first.json();
    JsonNode b = second.json();
    assertThat(b.get("manifest")).isEqualTo(a.get("manifest"));
    assertThat(b.get("unchanged").asBoolean()).isTrue();
    for (int i = 0; i < 4; i++) {
      JsonNode layer = b.get("layers").get(i);
      assertThat(layer.get("action").asText()).isEqualTo("kept");
      assertThat(layer.get("push").asText()).isEqualTo("mounted");
      assertThat(layer.get("result")).isEqualTo(a.get("layers").get(i).get("result"));
    }
    try (RegistryClient client = REGISTRY.newClient()) {
      assertThat(client.pullManifest("twice/app", "v1").digest().toString())
          .isEqualTo(a.get("manifest").get("digest").asText());
    }
  }

  @Test
  void convertsFromAnOciLayoutToTheRegistryAndFromTheRegistryToALayout() throws Exception {
    Path source = dir.resolve("source");
    image.writeTo(OciLayout.create(source), "v1");

    Run up = convert("oci:" + source + ":v1", host + "/fromlayout/app:v1", "--json", "-q");
    assertThat(up.exitCode()).as(up.err()).isZero();
    assertThat(up.json().get("layers").get(1).get("push").asText()).isEqualTo("uploaded");

    Path target = dir.resolve("target");
    Run down = convert(host + "/fromlayout/app:v1", "oci:" + target + ":v2", "--json", "-q");
    assertThat(down.exitCode()).as(down.err()).isZero();
    JsonNode d = down.json();
    assertThat(d.get("unchanged").asBoolean()).isTrue();
    assertThat(d.get("manifest")).isEqualTo(up.json().get("manifest"));
    d.get("layers").forEach(l -> assertThat(l.get("action").asText()).isEqualTo("kept"));

    OciLayout layout = OciLayout.open(target);
    RawManifest raw = layout.manifest("v2");
    ImageManifest m = ImageManifest.parse(raw.mediaType(), raw.bytes());
    ImageConfig config = ImageConfig.parse(layout.readBlob(m.config()));
    for (int i = 0; i < m.layers().size(); i++) {
      EstargzChecks.verify(
          m.layers().get(i), layout.readBlob(m.layers().get(i)), config.diffIds().get(i));
    }
    Path bundle = dir.resolve("bundle");
    Tools.umoci("unpack", "--image", target + ":v2", bundle.toString());
    RootfsTree.assertMatches(bundle.resolve("rootfs"), image.expectedTree(), ESTARGZ_EXTRAS);
  }

  @Test
  void dockerImagesStayDockerAndStillCopy() throws Exception {
    MixedImage docker =
        MixedImage.builder()
            .docker()
            .layer(TestImages.sample().layers().get(0).source(), Encoding.GZIP)
            .layer(TestImages.sample().layers().get(2).source(), Encoding.GZIP)
            .build();
    try (RegistryClient client = REGISTRY.newClient()) {
      docker.push(client, "src/docker", "v1");
    }

    Run run = convert(host + "/src/docker:v1", host + "/esgz/docker:v1", "-q");

    assertThat(run.exitCode()).as(run.err()).isZero();
    try (RegistryClient client = REGISTRY.newClient()) {
      RawManifest raw = client.pullManifest("esgz/docker", "v1");
      assertThat(raw.mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST);
      ImageManifest m = ImageManifest.parse(raw.mediaType(), raw.bytes());
      assertThat(m.layers())
          .allSatisfy(l -> assertThat(Estargz.isEstargz(l)).as(l.toString()).isTrue())
          .extracting(Descriptor::mediaType)
          .containsOnly(MediaTypes.DOCKER_LAYER_GZIP);
    }
    Path layout = dir.resolve("docker");
    Tools.skopeo(
        "copy",
        "--src-tls-verify=false",
        "docker://" + host + "/esgz/docker:v1",
        "oci:" + layout + ":v1");
    Path bundle = dir.resolve("bundle");
    Tools.umoci("unpack", "--image", layout + ":v1", bundle.toString());
    RootfsTree.assertMatches(bundle.resolve("rootfs"), docker.expectedTree(), ESTARGZ_EXTRAS);
  }

  @Test
  void anUnknownImageIsNamed() {
    Run run = convert(host + "/nothing/here:v1", host + "/esgz/nothing:v1", "-q");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .startsWith("trace-layer-builder convert: image " + host + "/nothing/here:v1 not found");
  }
}
