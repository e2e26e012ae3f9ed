package dev.tracefetch.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracefetch.oci.image.ContentNotFoundException;
import dev.tracefetch.oci.image.Descriptor;
import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.image.DigestMismatchException;
import dev.tracefetch.oci.image.ImageConfig;
import dev.tracefetch.oci.image.ImageStore;
import dev.tracefetch.oci.image.MediaTypes;
import dev.tracefetch.oci.image.Platform;
import dev.tracefetch.oci.image.RawManifest;
import dev.tracefetch.oci.testing.PushedImage;
import dev.tracefetch.oci.testing.RegistryExtension;
import dev.tracefetch.oci.testing.TestImage;
import dev.tracefetch.oci.testing.TestImages;
import dev.tracefetch.oci.testing.TestLayer;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Whole images against a real registry: push, then pull back byte-identical. */
class RegistryImageIT {
  @RegisterExtension static final RegistryExtension REGISTRY = RegistryExtension.anonymous();

  private static RegistryClient client;
  private static PushedImage sample;

  @BeforeAll
  static void pushSample() throws Exception {
    client = REGISTRY.newClient();
    sample = TestImages.sample().push(client, "images/sample", "v1");
  }

  @AfterAll
  static void close() {
    client.close();
  }

  @Test
  void pullsManifestByTagAndDigestByteIdentical() throws Exception {
    RawManifest byTag = client.pullManifest("images/sample", "v1");
    assertThat(byTag.bytes()).isEqualTo(sample.manifest().bytes());
    assertThat(byTag.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
    assertThat(byTag.digest()).isEqualTo(sample.manifestDigest());
    RawManifest byDigest = client.pullManifest("images/sample", sample.manifestDigest().toString());
    assertThat(byDigest).isEqualTo(byTag);
    assertThat(client.headManifest("images/sample", "v1")).contains(sample.manifestDescriptor());
    assertThat(client.headManifest("images/sample", "nope")).isEmpty();
    assertThat(client.listTags("images/sample")).containsExactly("v1");
  }

  @Test
  void pullsEveryBlobByteIdentical() throws Exception {
    for (TestImage.Layer layer : sample.image().layers()) {
      try (InputStream in = client.fetchBlob("images/sample", layer.descriptor())) {
        assertThat(in.readAllBytes()).isEqualTo(layer.blob());
      }
    }
    try (InputStream in = client.fetchBlob("images/sample", sample.configDescriptor())) {
      byte[] config = in.readAllBytes();
      assertThat(config).isEqualTo(sample.image().config());
      assertThat(ImageConfig.parse(config).diffIds()).isEqualTo(sample.diffIds());
    }
  }

  @Test
  void imageStoreViewResolvesTheImage() throws Exception {
    ImageStore store = client.imageStore("images/sample");
    RawManifest resolved = store.resolveImage("v1", Platform.linuxAmd64());
    assertThat(resolved.digest()).isEqualTo(sample.manifestDigest());
    assertThatThrownBy(() -> store.manifest("missing"))
        .isInstanceOf(ContentNotFoundException.class)
        .hasMessageContaining("missing");
    assertThatThrownBy(() -> store.blob(Digest.ofUtf8("absent")))
        .isInstanceOf(ContentNotFoundException.class);
  }

  @Test
  void dockerAndUncompressedVariantsRoundTrip() throws Exception {
    TestLayer layer = TestLayer.builder().file("hello", "world").symlink("link", "hello").build();
    for (TestImage image :
        new TestImage[] {
          TestImage.builder().layer(layer).dockerMediaTypes().cmd("/hello").build(),
          TestImage.builder().layer(layer).compression(TestImage.Compression.NONE).build()
        }) {
      PushedImage pushed =
          image.push(
              client, "images/variants", "t" + image.manifest().digest().hex().substring(0, 8));
      RawManifest pulled = client.pullManifest("images/variants", pushed.tag());
      assertThat(pulled).isEqualTo(image.manifest());
      Descriptor layerDescriptor = pushed.layerDescriptors().get(0);
      try (InputStream in = client.fetchBlob("images/variants", layerDescriptor)) {
        assertThat(in.readAllBytes()).isEqualTo(image.layers().get(0).blob());
      }
    }
  }

  @Test
  void unknownTagIsATypedError() {
    assertThatThrownBy(() -> client.pullManifest("images/sample", "does-not-exist"))
        .isInstanceOf(ManifestUnknownException.class)
        .hasMessageContaining("pull manifest")
        .hasMessageContaining("images/sample")
        .hasMessageContaining("does-not-exist")
        .hasMessageContaining("MANIFEST_UNKNOWN");
  }

  @Test
  void corruptedManifestInStorageIsADigestMismatch() throws Exception {
    TestImage image =
        TestImage.builder().layer(TestLayer.builder().file("f", "corrupt me").build()).build();
    PushedImage pushed = image.push(client, "images/corrupt", "v1");
    Path data = REGISTRY.server().blobDataPath(pushed.manifestDigest());
    // Registry 2.8 parses manifests it serves: keep the JSON valid, alter a digest's hex digit.
    String json = Files.readString(data);
    int at = json.indexOf("\"digest\":\"sha256:") + "\"digest\":\"sha256:".length();
    char c = json.charAt(at);
    String altered = json.substring(0, at) + (c == '0' ? '1' : '0') + json.substring(at + 1);
    Files.writeString(data, altered, StandardOpenOption.TRUNCATE_EXISTING);
    assertThatThrownBy(() -> client.pullManifest("images/corrupt", "v1"))
        .isInstanceOf(DigestMismatchException.class)
        .hasMessageContaining("images/corrupt");
    assertThatThrownBy(
            () -> client.pullManifest("images/corrupt", pushed.manifestDigest().toString()))
        .isInstanceOf(DigestMismatchException.class)
        .hasMessageContaining(pushed.manifestDigest().toString());
  }
}
