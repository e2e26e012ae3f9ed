package dev.tracefetch.builder.artifact;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracefetch.api.files.ReplayArtifacts;
import dev.tracefetch.oci.image.Descriptor;
import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.image.MediaTypes;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReferrerArtifactTest {
  @Test
  void isAnOci11ArtifactReferringToTheImage() throws Exception {
    Descriptor image =
        new Descriptor(
            MediaTypes.OCI_MANIFEST, Digest.ofUtf8("image"), 1234, Map.of("x", "y"), null, null);
    byte[] replay = "replay".getBytes(StandardCharsets.UTF_8);

    ReferrerArtifact a =
        ReferrerArtifact.of(image, replay, "web", Instant.parse("2025-01-02T03:04:05.678Z"));

    JsonNode json = new ObjectMapper().readTree(a.manifest().bytes());
    assertThat(a.manifest().mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
    assertThat(json.get("mediaType").asText()).isEqualTo(MediaTypes.OCI_MANIFEST);
    assertThat(json.get("artifactType").asText()).isEqualTo(ReplayArtifacts.ARTIFACT_TYPE);
    assertThat(json.get("config").get("mediaType").asText()).isEqualTo(MediaTypes.OCI_EMPTY);
    assertThat(json.get("config").get("digest").asText())
        .isEqualTo("sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
    assertThat(json.get("config").get("size").asInt()).isEqualTo(2);
    JsonNode subject = json.get("subject");
    assertThat(subject.get("digest").asText()).isEqualTo(image.digest().toString());
    assertThat(subject.get("size").asLong()).isEqualTo(1234);
    assertThat(subject.has("annotations")).isFalse();
    JsonNode layer = json.get("layers").get(0);
    assertThat(layer.get("mediaType").asText()).isEqualTo(ReplayArtifacts.REPLAY_MEDIA_TYPE);
    assertThat(layer.get("digest").asText()).isEqualTo(Digest.of(replay).toString());
    assertThat(json.get("annotations").get(ReplayArtifacts.APP_ANNOTATION).asText())
        .isEqualTo("web");
    assertThat(json.get("annotations").get(ReplayArtifacts.CREATED_ANNOTATION).asText())
        .isEqualTo("2025-01-02T03:04:05Z");
  }
}
