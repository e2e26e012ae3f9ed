package dev.tracefetch.builder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracefetch.builder.testing.MixedImage;
import dev.tracefetch.builder.testing.MixedImage.Encoding;
import dev.tracefetch.oci.layout.OciLayout;
import dev.tracefetch.oci.testing.TestEntry;
import dev.tracefetch.oci.testing.TestLayer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code trace-layer-builder convert} between OCI layouts: output, errors and exit codes. */
class ConvertCommandTest {
  @TempDir Path dir;
  Path src;
  Path dst;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  @BeforeEach
  void image() throws Exception {
    src = dir.resolve("src");
    dst = dir.resolve("dst");
    MixedImage.builder()
        .layer(TestLayer.builder().file("etc/motd", "hi\n").build(), Encoding.GZIP)
        .layer(
            TestLayer.builder().add(TestEntry.largeFile("big.bin", 100_000, 3)).build(),
            Encoding.ZSTD)
        .build()
        .writeTo(OciLayout.create(src), "v1");
  }

  int run(String... args) {
    return new CommandLine(new TraceLayerBuilderCommand())
        .setOut(new PrintWriter(out))
        .setErr(new PrintWriter(err))
        .execute(args);
  }

  @Test
  void convertsAndPrintsJsonAndOneProgressLinePerLayer() throws Exception {
    int code =
        run(
            "convert",
            "oci:" + src + ":v1",
            "oci:" + dst + ":esgz",
            "--json",
            "--chunk-size",
            "16K");

    assertThat(code).as(err.toString()).isZero();
    JsonNode json = new ObjectMapper().readTree(out.toString());
    assertThat(json.get("source").asText()).isEqualTo("oci:" + src + ":v1");
    assertThat(json.get("target").asText()).isEqualTo("oci:" + dst + ":esgz");
    assertThat(json.get("unchanged").asBoolean()).isFalse();
    assertThat(json.get("layers")).hasSize(2);
    assertThat(json.get("layers").get(0).get("action").asText()).isEqualTo("converted");
    assertThat(json.get("layers").get(0).get("sourceCompression").asText()).isEqualTo("gzip");
    assertThat(json.get("layers").get(1).get("sourceCompression").asText()).isEqualTo("zstd");
    assertThat(json.get("layers").get(1).get("tocDigest").asText()).startsWith("sha256:");
    String manifest = json.get("manifest").get("digest").asText();
    assertThat(OciLayout.open(dst).find("esgz").orElseThrow().digest().toString())
        .isEqualTo(manifest);
    assertThat(err.toString().lines().filter(l -> l.matches("\\[\\d/2\\] layer .*")).count())
        .as(err.toString())
        .isEqualTo(2);
    assertThat(err.toString()).doesNotContain("\r");
  }

  @Test
  void humanOutputSaysWhatWasDoneAndQuietSilencesProgress() {
    assertThat(run("convert", "oci:" + src + ":v1", "oci:" + dst, "-q")).isZero();
    assertThat(out.toString())
        .startsWith("converted oci:" + src + ":v1 -> oci:" + dst + ":latest@sha256:")
        .contains("2 converted, 0 kept");
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void aMissingSourceTagIsAFailureNamingTheImage() {
    assertThat(run("convert", "oci:" + src + ":nope", "oci:" + dst, "-q")).isEqualTo(1);
    assertThat(err.toString())
        .startsWith("trace-layer-builder convert: image oci:" + src + ":nope not found");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void aMissingSourceLayoutIsAFailureNamingTheDirectory() {
    Path missing = dir.resolve("missing");
    assertThat(run("convert", "oci:" + missing, "oci:" + dst, "-q")).isEqualTo(1);
    assertThat(err.toString()).contains(missing.toString()).contains("not an OCI image layout");
  }

  @Test
  void badOptionsAreUsageErrors() throws Exception {
    assertThat(run("convert", "oci:" + src + ":v1", "oci:" + dst, "--chunk-size", "0"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--chunk-size");

    assertThat(run("convert", "oci:" + src + ":v1", "oci:" + dst, "--platform", "linux"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("invalid platform 'linux'");

    assertThat(run("convert", "Not/A/Valid:Ref!", "oci:" + dst)).isEqualTo(2);
    assertThat(err.toString()).contains("invalid image reference");

    assertThat(run("convert", "oci:" + src + ":v1", "127.0.0.1:1/app@sha256:" + "a".repeat(64)))
        .isEqualTo(2);
    assertThat(err.toString()).contains("must name a tag");

    assertThat(run("convert", "oci:" + src + ":v1", "oci:" + dst, "--prioritize", dir + "/no-list"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--prioritize file").contains("does not exist");
    assertThat(Files.exists(dst)).isFalse();
  }

  @Test
  void readsThePrioritizeListSkippingCommentsAndBlanks() throws Exception {
    Path list = dir.resolve("list");
    Files.writeString(list, "# hot files\n/etc/motd\n\n  /big.bin  \n");
    assertThat(ConvertCommand.readPathList(list)).containsExactly("/etc/motd", "/big.bin");

    assertThat(
            run(
                "convert",
                "oci:" + src + ":v1",
                "oci:" + dst,
                "--prioritize",
                list.toString(),
                "--json",
                "-q"))
        .isZero();
    JsonNode json = new ObjectMapper().readTree(out.toString());
    assertThat(json.get("layers").get(0).get("prioritizedFiles").get(0).asText())
        .isEqualTo("/etc/motd");
    assertThat(json.get("missedPrioritizedFiles")).isEmpty();
  }
}
