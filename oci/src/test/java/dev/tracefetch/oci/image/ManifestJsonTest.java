package dev.tracefetch.oci.image;

import static dev.tracefetch.oci.image.ManifestOrIndexTest.D1;
import static dev.tracefetch.oci.image.ManifestOrIndexTest.D2;
import static dev.tracefetch.oci.image.ManifestOrIndexTest.D3;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ManifestJsonTest {

  @Test
  void minimalOciManifestHasSpecFieldOrderAndNoEmptyOptionals() {
    ImageManifest m =
        ImageManifest.oci(
            Descriptor.of(MediaTypes.OCI_CONFIG, Digest.parse(D1), 7),
            List.of(Descriptor.of(MediaTypes.OCI_LAYER_GZIP, Digest.parse(D2), 9)));
    assertThat(new String(m.toJson(), UTF_8))
        .isEqualTo(
            "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
                + "\"digest\":\""
                + D1
                + "\",\"size\":7},"
                + "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\","
                + "\"digest\":\""
                + D2
                + "\",\"size\":9}]}");
  }

  @Test
  void requiredArraysAreWrittenEvenWhenEmpty() {
    ImageManifest m =
        ImageManifest.oci(Descriptor.of(MediaTypes.OCI_EMPTY, Digest.parse(D1), 2), List.of());
    assertThat(new String(m.toJson(), UTF_8)).contains("\"layers\":[]");
    assertThat(new String(ImageIndex.oci(List.of()).toJson(), UTF_8))
        .isEqualTo(
            "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
                + "\"manifests\":[]}");
  }

  @Test
  void fullArtifactManifestWritesEveryFieldInOrder() throws Exception {
    Map<String, String> ann = new LinkedHashMap<>();
    ann.put("z", "1");
    ann.put("a", "2");
    ImageManifest m =
        ImageManifest.oci(
                Descriptor.of(MediaTypes.OCI_EMPTY, Digest.parse(D1), 2),
                List.of(
                    new Descriptor(
                        "application/x-trace",
                        Digest.parse(D2),
                        3,
                        Map.of("k", "v"),
                        "application/x-art",
                        null)))
            .withArtifactType("application/vnd.tracefetch.trace.v1")
            .withSubject(Descriptor.of(MediaTypes.OCI_MANIFEST, Digest.parse(D3), 4))
            .withAnnotations(ann);
    String json = new String(m.toJson(), UTF_8);
    assertThat(json)
        .containsSubsequence(
            "\"schemaVersion\":2",
            "\"mediaType\"",
            "\"artifactType\":\"application/vnd.tracefetch.trace.v1\"",
            "\"config\"",
            "\"layers\"",
            "\"annotations\":{\"k\":\"v\"}",
            "\"artifactType\":\"application/x-art\"",
            "\"subject\"",
            "\"annotations\":{\"z\":\"1\",\"a\":\"2\"}");
    assertThat(ManifestOrIndex.parse(MediaTypes.OCI_MANIFEST, m.toJson())).isEqualTo(m);
  }

  @Test
  void indexPlatformIsWrittenArchitectureOsVariant() {
    ImageIndex index =
        ImageIndex.oci(
            List.of(
                new Descriptor(
                    MediaTypes.OCI_MANIFEST,
                    Digest.parse(D1),
                    5,
                    Map.of(),
                    null,
                    new Platform("linux", "arm64", "v8"))));
    assertThat(new String(index.toJson(), UTF_8))
        .contains(
            "\"size\":5,\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\",\"variant\":\"v8\"}}");
  }

  @Test
  void parseSerialiseParseIsEqualForEverySample() throws Exception {
    for (String sample :
        List.of(
            ManifestOrIndexTest.DOCKER_MANIFEST,
            ManifestOrIndexTest.OCI_ARTIFACT,
            ManifestOrIndexTest.DOCKER_LIST)) {
      ManifestOrIndex first = ManifestOrIndex.parse(null, sample.getBytes(UTF_8));
      byte[] json = first.toJson();
      ManifestOrIndex second = ManifestOrIndex.parse(null, json);
      assertThat(second).isEqualTo(first);
      assertThat(second.toJson()).isEqualTo(json);
    }
  }

  @Test
  void emptyAnnotationsInInputAreDroppedOnOutput() throws Exception {
    String in =
        ManifestOrIndexTest.DOCKER_LIST.replace(
            "\"manifests\":[", "\"annotations\":{},\"manifests\":[");
    ImageIndex i = ImageIndex.parse(null, in.getBytes(UTF_8));
    assertThat(new String(i.toJson(), UTF_8)).doesNotContain("annotations");
  }

  @Test
  void rawManifestOfSerialisedDocumentHasItsMediaTypeAndDigest() {
    ImageIndex index = ImageIndex.oci(List.of());
    RawManifest raw = index.toRaw();
    assertThat(raw.mediaType()).isEqualTo(MediaTypes.OCI_INDEX);
    assertThat(raw.digest()).isEqualTo(Digest.of(index.toJson()));
    assertThat(raw.descriptor().size()).isEqualTo(index.toJson().length);
  }
}
