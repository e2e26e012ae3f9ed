package dev.tracefetch.oci.image;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ImageConfigTest {
  static final String L1 = "sha256:" + "a".repeat(64);
  static final String L2 = "sha256:" + "b".repeat(64);
  static final String L3 = "sha256:" + "c".repeat(64);

  /** Compact, in the field order Docker writes, with fields ImageConfig does not model. */
  static final String DOCKER_CONFIG =
      ("{\"architecture\":\"amd64\",\"config\":{\"Hostname\":\"\",\"User\":\"app\","
              + "\"ExposedPorts\":{\"8080/tcp\":{}},\"Env\":[\"PATH=/usr/bin\",\"A=b=c\"],"
              + "\"Cmd\":[\"serve\",\"--port\",\"8080\"],"
              + "\"Healthcheck\":{\"Test\":[\"CMD\",\"true\"],\"Interval\":30000000000},"
              + "\"WorkingDir\":\"/srv\",\"Entrypoint\":[\"/bin/app\"],\"OnBuild\":null,"
              + "\"Labels\":{\"org.opencontainers.image.version\":\"1.2\",\"x\":\"y\"}},"
              + "\"container\":\"0123\",\"created\":\"2024-01-02T03:04:05.123456789Z\","
              + "\"docker_version\":\"24.0.7\",\"history\":[{\"created\":\"2024-01-01T00:00:00Z\","
              + "\"created_by\":\"/bin/sh -c #(nop) ADD file:abc in / \"},"
              + "{\"created\":\"2024-01-01T00:00:01Z\",\"created_by\":\"/bin/sh -c #(nop)  CMD [\\\"sh\\\"]\","
              + "\"empty_layer\":true,\"x-vendor\":[1,2.50,{\"deep\":-0.000001}]},"
              + "{\"created_by\":\"RUN make\",\"comment\":\"buildkit.dockerfile.v0\"}],"
              + "\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"%s\",\"%s\"]},"
              + "\"x-big\":123456789012345678901234567890,\"x-float\":0.1000,\"x-unicode\":\"é→ü\"}")
          .formatted(L1, L2);

  @Test
  void typedGettersReadTheTree() throws Exception {
    ImageConfig c = ImageConfig.parse(DOCKER_CONFIG.getBytes(UTF_8));
    assertThat(c.platform()).isEqualTo(Platform.linuxAmd64());
    assertThat(c.architecture()).isEqualTo("amd64");
    assertThat(c.os()).isEqualTo("linux");
    assertThat(c.diffIds()).containsExactly(Digest.parse(L1), Digest.parse(L2));
    assertThat(c.env()).containsExactly("PATH=/usr/bin", "A=b=c");
    assertThat(c.entrypoint()).containsExactly("/bin/app");
    assertThat(c.cmd()).containsExactly("serve", "--port", "8080");
    assertThat(c.workingDir()).isEqualTo("/srv");
    assertThat(c.user()).isEqualTo("app");
    assertThat(c.labels())
        .containsExactly(Map.entry("org.opencontainers.image.version", "1.2"), Map.entry("x", "y"));
    assertThat(c.history())
        .containsExactly(
            new HistoryEntry(
                "2024-01-01T00:00:00Z", "/bin/sh -c #(nop) ADD file:abc in / ", null, null, false),
            new HistoryEntry(
                "2024-01-01T00:00:01Z", "/bin/sh -c #(nop)  CMD [\"sh\"]", null, null, true),
            new HistoryEntry(null, "RUN make", null, "buildkit.dockerfile.v0", false));
  }

  @Test
  void compactConfigRoundTripsByteForByte() throws Exception {
    byte[] in = DOCKER_CONFIG.getBytes(UTF_8);
    ImageConfig c = ImageConfig.parse(in);
    assertThat(new String(c.toJson(), UTF_8)).isEqualTo(DOCKER_CONFIG);
    assertThat(c.descriptor().digest()).isEqualTo(Digest.of(in));
    assertThat(ImageConfig.parse(c.toJson())).isEqualTo(c);
  }

  @Test
  void prettyConfigRoundTripsToTheSameTree() throws Exception {
    // No string value in the sample contains ',' or '{', so this only adds whitespace.
    String pretty = DOCKER_CONFIG.replace(",", ",\n    ").replace("{", "{\n  ");
    assertThat(pretty).isNotEqualTo(DOCKER_CONFIG);
    ImageConfig c = ImageConfig.parse(pretty.getBytes(UTF_8));
    assertThat(new String(c.toJson(), UTF_8)).isEqualTo(DOCKER_CONFIG);
  }

  @Test
  void removingAnAppendedLayerGivesBackTheOriginalConfig() throws Exception {
    ImageConfig c = ImageConfig.parse(DOCKER_CONFIG.getBytes(UTF_8));
    ImageConfig grown =
        c.withAppendedLayer(
            Digest.parse(L3),
            HistoryEntry.forLayer(Instant.parse("2025-05-06T07:08:09Z"), "tracefetch", null));

    assertThat(grown.withoutLayer(2)).isEqualTo(c);
    assertThat(new String(grown.withoutLayer(2).toJson(), UTF_8)).isEqualTo(DOCKER_CONFIG);
    // Removing a lower layer drops its diff_id and its (non-empty) history entry, not the CMD step.
    ImageConfig lower = c.withoutLayer(0);
    assertThat(lower.diffIds()).containsExactly(Digest.parse(L2));
    assertThat(lower.history())
        .extracting(HistoryEntry::createdBy)
        .doesNotContain("/bin/sh -c #(nop) ADD file:abc in / ");
    assertThat(lower.history()).hasSize(2);
    assertThatThrownBy(() -> c.withoutLayer(2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no layer 2");
  }

  @Test
  void appendingALayerChangesOnlyDiffIdsAndHistory() throws Exception {
    ImageConfig c = ImageConfig.parse(DOCKER_CONFIG.getBytes(UTF_8));
    ImageConfig next =
        c.withAppendedLayer(
            Digest.parse(L3),
            HistoryEntry.forLayer(
                Instant.parse("2025-05-06T07:08:09Z"), "tracefetch trace", "trace layer"));

    assertThat(next.diffIds())
        .containsExactly(Digest.parse(L1), Digest.parse(L2), Digest.parse(L3));
    assertThat(next.history()).hasSize(4);
    assertThat(next.history().get(3))
        .isEqualTo(
            new HistoryEntry(
                "2025-05-06T07:08:09Z", "tracefetch trace", null, "trace layer", false));
    assertThat(c.diffIds()).hasSize(2); // the original is unchanged

    ObjectMapper plain = new ObjectMapper();
    ObjectNode before = (ObjectNode) plain.readTree(DOCKER_CONFIG);
    ObjectNode after = (ObjectNode) plain.readTree(next.toJson());
    ((ArrayNode) after.get("rootfs").get("diff_ids")).remove(2);
    ((ArrayNode) after.get("history")).remove(3);
    assertThat(after).isEqualTo(before);
    // Field order is kept too: the appended config serialises with the same key sequence.
    assertThat(fieldNames(after)).isEqualTo(fieldNames(before));
  }

  @Test
  void replacingDiffIdsChangesNothingElseByteForByte() throws Exception {
    ImageConfig c = ImageConfig.parse(DOCKER_CONFIG.getBytes(UTF_8));
    ImageConfig replaced = c.withDiffIds(List.of(Digest.parse(L3), Digest.parse(L1)));
    String expected =
        DOCKER_CONFIG.replace(
            "\"diff_ids\":[\"" + L1 + "\",\"" + L2 + "\"]",
            "\"diff_ids\":[\"" + L3 + "\",\"" + L1 + "\"]");
    assertThat(expected).isNotEqualTo(DOCKER_CONFIG);
    assertThat(new String(replaced.toJson(), UTF_8)).isEqualTo(expected);
    assertThat(replaced.history()).isEqualTo(c.history());
    assertThat(c.diffIds()).containsExactly(Digest.parse(L1), Digest.parse(L2));
    assertThatThrownBy(() -> c.withDiffIds(List.of(Digest.parse(L3))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2 diff_ids");
  }

  @Test
  void runtimeFieldCopiesKeepOtherFields() throws Exception {
    ImageConfig c = ImageConfig.parse(DOCKER_CONFIG.getBytes(UTF_8));
    ImageConfig changed =
        c.withEnv(List.of("A=1"))
            .withEntrypoint(List.of("/x"))
            .withCmd(List.of())
            .withWorkingDir("/w")
            .withUser("0:0")
            .withLabel("new", "label");
    assertThat(changed.env()).containsExactly("A=1");
    assertThat(changed.entrypoint()).containsExactly("/x");
    assertThat(changed.cmd()).isEmpty();
    assertThat(changed.workingDir()).isEqualTo("/w");
    assertThat(changed.user()).isEqualTo("0:0");
    assertThat(changed.labels()).containsEntry("x", "y").containsEntry("new", "label");
    assertThat(new String(changed.toJson(), UTF_8))
        .contains("\"Healthcheck\":{\"Test\":[\"CMD\",\"true\"],\"Interval\":30000000000}")
        .contains("\"x-big\":123456789012345678901234567890");
    assertThat(changed.withLabels(Map.of()).labels()).isEmpty();
  }

  @Test
  void emptyConfigIsAValidStartingPoint() throws Exception {
    ImageConfig c =
        ImageConfig.empty(new Platform("linux", "arm64", "v8"))
            .withAppendedLayer(Digest.parse(L1), null);
    ImageConfig reparsed = ImageConfig.parse(c.toJson());
    assertThat(reparsed.platform()).isEqualTo(new Platform("linux", "arm64", "v8"));
    assertThat(reparsed.diffIds()).containsExactly(Digest.parse(L1));
    assertThat(reparsed.history()).isEmpty();
    assertThat(reparsed.env()).isEmpty();
    assertThat(reparsed.workingDir()).isEmpty();
  }

  @Test
  void configWithoutOptionalSectionsParses() throws Exception {
    ImageConfig c =
        ImageConfig.parse("{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(UTF_8));
    assertThat(c.diffIds()).isEmpty();
    assertThat(c.cmd()).isEmpty();
    assertThat(c.labels()).isEmpty();
    ImageConfig grown = c.withAppendedLayer(Digest.parse(L1), null);
    assertThat(new String(grown.toJson(), UTF_8))
        .isEqualTo(
            "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
                + L1
                + "\"]}}");
  }

  @Test
  void invalidConfigsNameTheField() {
    assertThatThrownBy(
            () -> ImageConfig.parse("{\"rootfs\":{\"diff_ids\":[\"sha256:1\"]}}".getBytes(UTF_8)))
        .isInstanceOf(ImageFormatException.class)
        .hasMessageContaining("image config: rootfs.diff_ids[0]: invalid digest 'sha256:1'");
    assertThatThrownBy(() -> ImageConfig.parse("{\"config\":{\"Env\":\"A=1\"}}".getBytes(UTF_8)))
        .hasMessageContaining("image config config: field 'Env' must be an array");
    assertThatThrownBy(
            () -> ImageConfig.parse("{\"config\":{\"Labels\":{\"a\":1}}}".getBytes(UTF_8)))
        .hasMessageContaining("Labels['a'] must be a string");
    assertThatThrownBy(
            () -> ImageConfig.parse("{\"history\":[{\"empty_layer\":\"yes\"}]}".getBytes(UTF_8)))
        .hasMessageContaining("history[0]: field 'empty_layer' must be a boolean");
    assertThatThrownBy(() -> ImageConfig.parse("{\"architecture\":1}".getBytes(UTF_8)))
        .hasMessageContaining("field 'architecture' must be a string");
    assertThatThrownBy(() -> ImageConfig.parse("not json".getBytes(UTF_8)))
        .hasMessageStartingWith("malformed JSON in image config");
  }

  @Test
  void historyEntryOfARealLayerMustNotBeEmpty() throws Exception {
    ImageConfig c = ImageConfig.parse(DOCKER_CONFIG.getBytes(UTF_8));
    assertThatThrownBy(
            () ->
                c.withAppendedLayer(
                    Digest.parse(L3), new HistoryEntry(null, "x", null, null, true)))
        .isInstanceOf(IllegalArgumentException.class);
    ImageConfig meta = c.withAppendedHistory(new HistoryEntry(null, "LABEL a=b", null, null, true));
    assertThat(meta.history().get(3).emptyLayer()).isTrue();
    assertThat(meta.diffIds()).hasSize(2);
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new java.util.ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
