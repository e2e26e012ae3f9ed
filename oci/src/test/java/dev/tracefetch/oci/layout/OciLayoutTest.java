package dev.tracefetch.oci.layout;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracefetch.oci.image.ContentNotFoundException;
import dev.tracefetch.oci.image.Descriptor;
import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.image.DigestMismatchException;
import dev.tracefetch.oci.image.ImageConfig;
import dev.tracefetch.oci.image.ImageFormatException;
import dev.tracefetch.oci.image.ImageIndex;
import dev.tracefetch.oci.image.ImageManifest;
import dev.tracefetch.oci.image.MediaTypes;
import dev.tracefetch.oci.image.OciLayoutReference;
import dev.tracefetch.oci.image.Platform;
import dev.tracefetch.oci.image.RawManifest;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OciLayoutTest {
  @TempDir Path tmp;

  private Path dir() {
    return tmp.resolve("layout");
  }

  /** Writes a one-layer image and returns its manifest. */
  private static RawManifest writeImage(OciLayout layout, Platform platform, String layerText)
      throws Exception {
    Descriptor layer = layout.writeBlob(MediaTypes.OCI_LAYER_TAR, layerText.getBytes(UTF_8));
    ImageConfig config = ImageConfig.empty(platform).withAppendedLayer(layer.digest(), null);
    Descriptor configDescriptor = layout.writeBlob(MediaTypes.OCI_CONFIG, config.toJson());
    RawManifest manifest = ImageManifest.oci(configDescriptor, List.of(layer)).toRaw();
    layout.writeManifest(manifest);
    return manifest;
  }

  private List<Path> tempFiles() throws Exception {
    try (Stream<Path> s = Files.walk(dir())) {
      return s.filter(p -> p.getFileName().toString().startsWith(".tracefetch-")).toList();
    }
  }

  @Test
  void createWritesLayoutMarkerAndEmptyIndex() throws Exception {
    OciLayout layout = OciLayout.create(dir());
    assertThat(Files.readString(dir().resolve("oci-layout")))
        .isEqualTo("{\"imageLayoutVersion\":\"1.0.0\"}");
    assertThat(Files.readString(dir().resolve("index.json")))
        .isEqualTo(
            "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
                + "\"manifests\":[]}");
    assertThat(Files.isDirectory(dir().resolve("blobs/sha256"))).isTrue();
    assertThat(layout.tags()).isEmpty();
    assertThat(OciLayout.open(dir()).directory()).isEqualTo(layout.directory());
    assertThat(OciLayout.create(dir()).tags()).isEmpty(); // opening again is fine
  }

  @Test
  void blobsAreStoredUnderTheirDigestAndReadBackVerified() throws Exception {
    OciLayout layout = OciLayout.create(dir());
    byte[] content = "layer bytes".getBytes(UTF_8);
    Descriptor d = layout.writeBlob(MediaTypes.OCI_LAYER_TAR, new ByteArrayInputStream(content));
    assertThat(d).isEqualTo(Descriptor.ofContent(MediaTypes.OCI_LAYER_TAR, content));
    assertThat(layout.blobPath(d.digest()))
        .isEqualTo(dir().toAbsolutePath().resolve("blobs/sha256/" + d.digest().hex()))
        .hasBinaryContent(content);
    assertThat(layout.hasBlob(d.digest())).isTrue();
    try (InputStream in = layout.blob(d.digest())) {
      assertThat(in.readAllBytes()).isEqualTo(content);
    }
    assertThat(layout.readBlob(d)).isEqualTo(content);
    // Writing the same content again is harmless.
    assertThat(layout.writeBlob(MediaTypes.OCI_LAYER_TAR, content)).isEqualTo(d);
    assertThat(tempFiles()).isEmpty();
  }

  @Test
  void verifiedWriteOfWrongContentStoresNothing() throws Exception {
    OciLayout layout = OciLayout.create(dir());
    Descriptor expected = Descriptor.ofContent(MediaTypes.OCI_LAYER_TAR, "right".getBytes(UTF_8));
    assertThatThrownBy(
            () -> layout.writeBlob(expected, new ByteArrayInputStream("wrong".getBytes(UTF_8))))
        .isInstanceOf(DigestMismatchException.class)
        .hasMessageContaining("expected " + expected.digest());
    assertThat(layout.hasBlob(expected.digest())).isFalse();
    assertThat(layout.hasBlob(Digest.ofUtf8("wrong"))).isFalse();
    assertThat(tempFiles()).isEmpty();
    assertThat(layout.writeBlob(expected, new ByteArrayInputStream("right".getBytes(UTF_8))))
        .isEqualTo(expected);
    assertThat(layout.hasBlob(expected.digest())).isTrue();
  }

  @Test
  void missingBlobIsContentNotFound() throws Exception {
    OciLayout layout = OciLayout.create(dir());
    Digest absent = Digest.ofUtf8("absent");
    assertThatThrownBy(() -> layout.blob(absent))
        .isInstanceOf(ContentNotFoundException.class)
        .hasMessageContaining("blob " + absent + " not found in OCI layout " + layout.directory());
  }

  @Test
  void taggedImageResolvesAndTagsCanBeReplaced() throws Exception {
    OciLayout layout = OciLayout.create(dir());
    RawManifest first = writeImage(layout, Platform.linuxAmd64(), "one");
    RawManifest second = writeImage(layout, Platform.linuxAmd64(), "two");
    layout.tag("v1", first.descriptor());
    layout.tag("latest", first.descriptor());
    assertThat(layout.tags()).containsExactly("v1", "latest");
    assertThat(layout.manifest("v1")).isEqualTo(first);
    assertThat(layout.manifest(first.digest().toString())).isEqualTo(first);
    assertThat(layout.resolve("latest", Platform.linuxAmd64())).isEqualTo(first);

    layout.tag("latest", second.descriptor());
    assertThat(layout.tags()).containsExactly("v1", "latest");
    assertThat(layout.manifest("latest")).isEqualTo(second);
    assertThat(layout.manifest("v1")).isEqualTo(first);
    assertThat(layout.index().manifests()).hasSize(2);
    assertThat(layout.find("latest").orElseThrow().annotations())
        .containsEntry(OciLayout.REF_NAME, "latest");
    assertThat(tempFiles()).isEmpty();

    ImageManifest m = (ImageManifest) layout.manifest("latest").parse();
    ImageConfig config = ImageConfig.parse(layout.readBlob(m.config()));
    assertThat(config.diffIds()).containsExactly(m.layers().get(0).digest());
  }

  @Test
  void taggingKeepsOtherEntriesAndUnknownFieldsVerbatim() throws Exception {
    OciLayout layout = OciLayout.create(dir());
    RawManifest image = writeImage(layout, Platform.linuxAmd64(), "x");
    String foreign =
        "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\""
            + image.digest()
            + "\",\"size\":"
            + image.size()
            + ",\"urls\":[\"https://example.com/x\"],"
            + "\"annotations\":{\"org.opencontainers.image.ref.name\":\"other\",\"k\":\"v\"}}";
    Files.writeString(
        dir().resolve("index.json"),
        "{\"schemaVersion\":2,\"manifests\":[" + foreign + "],\"x-extra\":{\"a\":1}}");
    layout.tag("mine", image.descriptor());
    String index = Files.readString(dir().resolve("index.json"));
    assertThat(index).contains(foreign).contains("\"x-extra\":{\"a\":1}");
    assertThat(layout.tags()).containsExactly("other", "mine");
  }

  @Test
  void taggingRequiresTheStoredManifest() throws Exception {
    OciLayout layout = OciLayout.create(dir());
    RawManifest notStored =
        ImageManifest.oci(Descriptor.ofContent(MediaTypes.OCI_CONFIG, new byte[] {1}), List.of())
            .toRaw();
    assertThatThrownBy(() -> layout.tag("v1", notStored.descriptor()))
        .isInstanceOf(ContentNotFoundException.class)
        .hasMessageContaining("cannot tag 'v1': manifest " + notStored.digest() + " is not stored");
    Descriptor layer = layout.writeBlob(MediaTypes.OCI_LAYER_TAR, new byte[] {1, 2});
    assertThatThrownBy(() -> layout.tag("v1", layer))
        .hasMessageContaining("is not a manifest media type");
    RawManifest stored = writeImage(layout, Platform.linuxAmd64(), "y");
    assertThatThrownBy(() -> layout.tag("bad tag", stored.descriptor()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'bad tag'");
    Descriptor wrongSize = Descriptor.of(stored.mediaType(), stored.digest(), stored.size() + 1);
    assertThatThrownBy(() -> layout.tag("v1", wrongSize))
        .hasMessageContaining("expected " + (stored.size() + 1));
    assertThat(layout.tags()).isEmpty();
  }

  @Test
  void unknownTagNamesTheTagsThatExist() throws Exception {
    OciLayout layout = OciLayout.create(dir());
    layout.tag("a", writeImage(layout, Platform.linuxAmd64(), "a").descriptor());
    layout.tag("b", writeImage(layout, Platform.linuxAmd64(), "b").descriptor());
    assertThatThrownBy(() -> layout.manifest("c"))
        .isInstanceOf(ContentNotFoundException.class)
        .hasMessage("tag 'c' not found in OCI layout " + layout.directory() + "; tags: a, b");
    assertThatThrownBy(() -> layout.resolve(null, Platform.linuxAmd64()))
        .hasMessageContaining("holds 2 images; name one of the tags: a, b");
  }

  @Test
  void untaggedSingleImageResolvesWithoutTag() throws Exception {
    OciLayout layout = OciLayout.create(dir());
    RawManifest image = writeImage(layout, Platform.linuxAmd64(), "only");
    layout.tag("only", image.descriptor());
    assertThat(layout.resolve(null, Platform.linuxAmd64())).isEqualTo(image);
    OciLayoutReference ref = OciLayoutReference.parse("oci:" + dir());
    assertThat(OciLayout.open(ref.directory()).resolve(ref.tag(), Platform.linuxAmd64()))
        .isEqualTo(image);
  }

  @Test
  void multiPlatformIndexIsFollowedToThePlatformImage() throws Exception {
    OciLayout layout = OciLayout.create(dir());
    Platform arm = new Platform("linux", "arm64", null);
    RawManifest amd = writeImage(layout, Platform.linuxAmd64(), "amd");
    RawManifest armImage = writeImage(layout, arm, "arm");
    Descriptor a = amd.descriptor();
    Descriptor r = armImage.descriptor();
    RawManifest index =
        ImageIndex.oci(
                List.of(
                    new Descriptor(
                        a.mediaType(), a.digest(), a.size(), Map.of(), null, Platform.linuxAmd64()),
                    new Descriptor(r.mediaType(), r.digest(), r.size(), Map.of(), null, arm)))
            .toRaw();
    layout.writeManifest(index);
    layout.tag("multi", index.descriptor());
    assertThat(layout.manifest("multi").isIndex()).isTrue();
    assertThat(layout.resolve("multi", Platform.linuxAmd64())).isEqualTo(amd);
    assertThat(layout.resolve("multi", new Platform("linux", "arm64", "v8"))).isEqualTo(armImage);
    assertThatThrownBy(() -> layout.resolve("multi", new Platform("linux", "s390x", null)))
        .hasMessageContaining("available platforms: linux/amd64, linux/arm64");
  }

  @Test
  void corruptedBlobsAreDigestMismatchesNeverData() throws Exception {
    OciLayout layout = OciLayout.create(dir());
    RawManifest image = writeImage(layout, Platform.linuxAmd64(), "precious layer");
    layout.tag("v1", image.descriptor());
    ImageManifest m = (ImageManifest) image.parse();
    Descriptor layer = m.layers().get(0);

    byte[] bytes = Files.readAllBytes(layout.blobPath(layer.digest()));
    bytes[0] ^= 0x20;
    Files.write(layout.blobPath(layer.digest()), bytes);

    try (InputStream in = layout.blob(layer.digest())) {
      assertThatThrownBy(in::readAllBytes)
          .isInstanceOf(DigestMismatchException.class)
          .hasMessageContaining("blob " + layer.digest() + " in OCI layout");
    }
    assertThatThrownBy(() -> layout.readBlob(layer)).isInstanceOf(DigestMismatchException.class);

    byte[] manifestBytes = image.bytes();
    manifestBytes[manifestBytes.length - 2] = ' ';
    Files.write(layout.blobPath(image.digest()), manifestBytes);
    assertThatThrownBy(() -> layout.manifest("v1"))
        .isInstanceOf(DigestMismatchException.class)
        .hasMessageContaining("manifest blob " + image.digest());
  }

  @Test
  void directoriesThatAreNoLayoutAreRejectedByName() throws Exception {
    Files.createDirectories(dir());
    assertThatThrownBy(() -> OciLayout.open(dir()))
        .isInstanceOf(ImageFormatException.class)
        .hasMessageContaining(
            "not an OCI image layout: " + dir().toAbsolutePath() + " has no oci-layout");
    Files.writeString(dir().resolve("stray"), "x");
    assertThatThrownBy(() -> OciLayout.create(dir()))
        .hasMessageContaining("directory is not empty and has no oci-layout file");
    Files.writeString(dir().resolve("oci-layout"), "{\"imageLayoutVersion\":\"2.0.0\"}");
    assertThatThrownBy(() -> OciLayout.open(dir()))
        .hasMessageContaining("unsupported OCI image layout version '2.0.0'");
    Files.writeString(dir().resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    assertThatThrownBy(() -> OciLayout.open(dir())).hasMessageContaining("has no index.json");
    Files.writeString(dir().resolve("index.json"), "{\"schemaVersion\":2}");
    assertThatThrownBy(() -> OciLayout.open(dir()).tags())
        .isInstanceOf(ImageFormatException.class)
        .hasMessageContaining("required field 'manifests' is missing");
  }
}
