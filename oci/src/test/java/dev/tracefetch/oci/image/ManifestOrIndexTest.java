package dev.tracefetch.oci.image;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ManifestOrIndexTest {
  static final String D1 = "sha256:" + "1".repeat(64);
  static final String D2 = "sha256:" + "2".repeat(64);
  static final String D3 = "sha256:" + "3".repeat(64);

  static final String DOCKER_MANIFEST =
      """
      {
         "schemaVersion": 2,
         "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
         "config": {
            "mediaType": "application/vnd.docker.container.image.v1+json",
            "size": 1469,
            "digest": "%s"
         },
         "layers": [
            {
               "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
               "size": 3370706,
               "digest": "%s"
            }
         ]
      }
      """
          .formatted(D1, D2);

  static final String OCI_ARTIFACT =
      """
      {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
       "artifactType":"application/vnd.tracefetch.trace.v1",
       "config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"%s","size":2},
       "layers":[{"mediaType":"application/vnd.tracefetch.trace.v1+zstd","digest":"%s","size":10,
                  "annotations":{"org.opencontainers.image.title":"trace.bin"}}],
       "subject":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":500},
       "annotations":{"dev.tracefetch.app":"web","a":"b"}}
      """
          .formatted(D1, D2, D3);

  static final String DOCKER_LIST =
      """
      {"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json",
       "manifests":[
         {"mediaType":"application/vnd.docker.distribution.manifest.v2+json","digest":"%s","size":528,
          "platform":{"architecture":"arm","os":"linux","variant":"v7"}},
         {"mediaType":"application/vnd.docker.distribution.manifest.v2+json","digest":"%s","size":528,
          "platform":{"architecture":"amd64","os":"linux"}}]}
      """
          .formatted(D1, D2);

  @Test
  void parsesDockerSchema2Manifest() throws Exception {
    ManifestOrIndex parsed =
        ManifestOrIndex.parse(MediaTypes.DOCKER_MANIFEST, DOCKER_MANIFEST.getBytes(UTF_8));
    ImageManifest m = (ImageManifest) parsed;
    assertThat(m.mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST);
    assertThat(m.isOci()).isFalse();
    assertThat(m.config())
        .isEqualTo(Descriptor.of(MediaTypes.DOCKER_CONFIG, Digest.parse(D1), 1469));
    assertThat(m.layers())
        .containsExactly(Descriptor.of(MediaTypes.DOCKER_LAYER_GZIP, Digest.parse(D2), 3370706));
    assertThat(m.subject()).isNull();
    assertThat(m.annotations()).isEmpty();
  }

  @Test
  void parsesOciArtifactWithSubjectAndAnnotationsInOrder() throws Exception {
    ImageManifest m = ImageManifest.parse(null, OCI_ARTIFACT.getBytes(UTF_8));
    assertThat(m.artifactType()).isEqualTo("application/vnd.tracefetch.trace.v1");
    assertThat(m.subject().digest()).isEqualTo(Digest.parse(D3));
    assertThat(m.annotations().keySet()).containsExactly("dev.tracefetch.app", "a");
    assertThat(m.layers().get(0).annotations())
        .isEqualTo(Map.of("org.opencontainers.image.title", "trace.bin"));
  }

  @Test
  void parsesDockerManifestListWithPlatforms() throws Exception {
    ImageIndex i = ImageIndex.parse("application/json", DOCKER_LIST.getBytes(UTF_8));
    assertThat(i.mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST_LIST);
    assertThat(i.manifests())
        .extracting(Descriptor::platform)
        .containsExactly(new Platform("linux", "arm", "v7"), Platform.linuxAmd64());
  }

  @Test
  void contentTypeParametersAreIgnored() throws Exception {
    ManifestOrIndex p =
        ManifestOrIndex.parse(
            MediaTypes.DOCKER_MANIFEST + "; charset=utf-8", DOCKER_MANIFEST.getBytes(UTF_8));
    assertThat(p).isInstanceOf(ImageManifest.class);
  }

  @Test
  void documentWithoutMediaTypeFieldUsesContentType() throws Exception {
    String json =
        """
        {"schemaVersion":2,"manifests":[]}""";
    assertThat(
            ManifestOrIndex.parse(MediaTypes.DOCKER_MANIFEST_LIST, json.getBytes(UTF_8))
                .mediaType())
        .isEqualTo(MediaTypes.DOCKER_MANIFEST_LIST);
    assertThat(ManifestOrIndex.parse(null, json.getBytes(UTF_8)).mediaType())
        .isEqualTo(MediaTypes.OCI_INDEX);
  }

  @Test
  void unknownMediaTypeInHeaderIsRejectedByName() {
    String json =
        """
        {"schemaVersion":2,"config":{}}""";
    assertThatThrownBy(
            () ->
                ManifestOrIndex.parse(
                    "application/vnd.docker.distribution.manifest.v1+prettyjws",
                    json.getBytes(UTF_8)))
        .isInstanceOf(ImageFormatException.class)
        .hasMessageContaining(
            "unsupported manifest media type 'application/vnd.docker.distribution.manifest.v1+prettyjws'");
  }

  @Test
  void unknownMediaTypeInDocumentIsRejectedByName() {
    String json =
        """
        {"schemaVersion":2,"mediaType":"application/vnd.example+json"}""";
    assertThatThrownBy(() -> ManifestOrIndex.parse(null, json.getBytes(UTF_8)))
        .isInstanceOf(ImageFormatException.class)
        .hasMessageContaining("'application/vnd.example+json'")
        .hasMessageContaining("mediaType field");
  }

  @Test
  void conflictingMediaTypesAreRejected() {
    assertThatThrownBy(
            () -> ManifestOrIndex.parse(MediaTypes.OCI_INDEX, DOCKER_MANIFEST.getBytes(UTF_8)))
        .isInstanceOf(ImageFormatException.class)
        .hasMessageContaining("served as '" + MediaTypes.OCI_INDEX + "'")
        .hasMessageContaining("says '" + MediaTypes.DOCKER_MANIFEST + "'");
  }

  @Test
  void malformedJsonIsReportedAsSuch() {
    assertThatThrownBy(
            () ->
                ManifestOrIndex.parse(
                    MediaTypes.OCI_MANIFEST, "{\"schemaVersion\":2,".getBytes(UTF_8)))
        .isInstanceOf(ImageFormatException.class)
        .hasMessageStartingWith("malformed JSON in manifest (" + MediaTypes.OCI_MANIFEST + ")");
    assertThatThrownBy(() -> ManifestOrIndex.parse(null, new byte[0]))
        .hasMessageContaining("malformed JSON in manifest");
    assertThatThrownBy(() -> ManifestOrIndex.parse(null, "[1]".getBytes(UTF_8)))
        .hasMessageContaining("expected a JSON object, got ARRAY");
    assertThatThrownBy(() -> ManifestOrIndex.parse(null, "{} {}".getBytes(UTF_8)))
        .hasMessageContaining("malformed JSON");
  }

  @Test
  void duplicateKeysAreRejected() {
    String json =
        DOCKER_MANIFEST.replace(
            "\"schemaVersion\": 2,", "\"schemaVersion\": 2, \"schemaVersion\": 2,");
    assertThatThrownBy(() -> ManifestOrIndex.parse(null, json.getBytes(UTF_8)))
        .isInstanceOf(ImageFormatException.class)
        .hasMessageContaining("Duplicate field 'schemaVersion'");
  }

  @Test
  void missingAndInvalidFieldsAreNamed() {
    assertThatThrownBy(
            () ->
                ManifestOrIndex.parse(
                    null,
                    DOCKER_MANIFEST
                        .replace("\"schemaVersion\": 2", "\"schemaVersion\": 1")
                        .getBytes(UTF_8)))
        .hasMessageContaining("unsupported schemaVersion 1");
    assertThatThrownBy(
            () ->
                ManifestOrIndex.parse(
                    null, DOCKER_MANIFEST.replace(D2, "sha256:xyz").getBytes(UTF_8)))
        .hasMessageContaining("layers[0]")
        .hasMessageContaining("invalid digest 'sha256:xyz'");
    assertThatThrownBy(
            () ->
                ManifestOrIndex.parse(
                    null,
                    DOCKER_MANIFEST.replace("\"size\": 1469", "\"size\": -1").getBytes(UTF_8)))
        .hasMessageContaining("config: field 'size' must be >= 0, got -1");
    assertThatThrownBy(
            () ->
                ManifestOrIndex.parse(
                    null,
                    DOCKER_MANIFEST
                        .replace("\"size\": 1469", "\"size\": \"1469\"")
                        .getBytes(UTF_8)))
        .hasMessageContaining("field 'size' must be an integer");
    assertThatThrownBy(
            () ->
                ManifestOrIndex.parse(
                    null, DOCKER_MANIFEST.replace("\"layers\"", "\"lairs\"").getBytes(UTF_8)))
        .hasMessageContaining("required field 'layers' is missing");
    assertThatThrownBy(
            () ->
                ManifestOrIndex.parse(
                    null,
                    DOCKER_LIST.replace("\"os\":\"linux\"}}]", "\"os\":7}}]").getBytes(UTF_8)))
        .hasMessageContaining("manifests[1].platform: field 'os' must be a string");
    assertThatThrownBy(() -> ManifestOrIndex.parse(null, "{\"schemaVersion\":2}".getBytes(UTF_8)))
        .hasMessageContaining("neither 'config' nor 'manifests'");
  }

  @Test
  void typedParseEntryPointsRejectTheOtherKind() {
    assertThatThrownBy(() -> ImageManifest.parse(null, DOCKER_LIST.getBytes(UTF_8)))
        .hasMessageContaining("expected an image manifest but got an image index");
    assertThatThrownBy(() -> ImageIndex.parse(null, DOCKER_MANIFEST.getBytes(UTF_8)))
        .hasMessageContaining("expected an image index but got an image manifest");
  }
}
