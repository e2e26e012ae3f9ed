package dev.tracefetch.oci.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.image.ImageConfig;
import dev.tracefetch.oci.image.ImageManifest;
import dev.tracefetch.oci.image.MediaTypes;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;

/** The fixture itself must be right: later modules compare their filesystems against it. */
class TestImageTest {

  private static Map<String, TarArchiveEntry> readTar(byte[] tar, Map<String, byte[]> contents)
      throws IOException {
    Map<String, TarArchiveEntry> out = new LinkedHashMap<>();
    try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
      TarArchiveEntry e;
      while ((e = in.getNextEntry()) != null) {
        out.put(e.getName(), e);
        if (e.isFile()) {
          contents.put(e.getName(), in.readAllBytes());
        }
      }
    }
    return out;
  }

  @Test
  void layerTarHoldsEveryEntryKindWithItsAttributes() throws Exception {
    Instant mtime = Instant.parse("2022-02-02T02:02:02Z");
    TestLayer layer =
        TestLayer.builder()
            .add(TestEntry.file("a/b/file", "x").withMode(04755).withOwner(12, 34).withMtime(mtime))
            .symlink("a/link", "../target")
            .hardlink("a/hard", "a/b/file")
            .whiteout("a/gone")
            .opaque("c")
            .build();
    Map<String, byte[]> contents = new LinkedHashMap<>();
    Map<String, TarArchiveEntry> tar = readTar(layer.tar(), contents);
    assertThat(tar.keySet())
        .containsExactly(
            "a/", "a/b/", "a/b/file", "a/link", "a/hard", "a/.wh.gone", "c/", "c/.wh..wh..opq");
    TarArchiveEntry file = tar.get("a/b/file");
    assertThat(file.getMode() & 07777).isEqualTo(04755);
    assertThat(file.getLongUserId()).isEqualTo(12);
    assertThat(file.getLongGroupId()).isEqualTo(34);
    assertThat(file.getModTime().toInstant()).isEqualTo(mtime);
    assertThat(contents.get("a/b/file")).containsExactly('x');
    assertThat(tar.get("a/").isDirectory()).isTrue();
    assertThat(tar.get("a/link").isSymbolicLink()).isTrue();
    assertThat(tar.get("a/link").getLinkName()).isEqualTo("../target");
    assertThat(tar.get("a/hard").isLink()).isTrue();
    assertThat(tar.get("a/hard").getLinkName()).isEqualTo("a/b/file");
    assertThat(tar.get("a/.wh.gone").getSize()).isZero();
  }

  @Test
  void gzipLayerDecompressesToTheTarAndIsDeterministic() throws Exception {
    TestLayer layer = TestLayer.builder().largeFile("big", 5 << 20, 1).build();
    byte[] gz = layer.tarGzip();
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      assertThat(in.readAllBytes()).isEqualTo(layer.tar());
    }
    assertThat(Digest.of(TestLayer.builder().largeFile("big", 5 << 20, 1).build().tarGzip()))
        .isEqualTo(Digest.of(gz));
  }

  @Test
  void longAndNonAsciiNamesSurvive() throws Exception {
    String longName = "x/" + "y".repeat(150) + "/ünï.txt";
    Map<String, TarArchiveEntry> tar =
        readTar(TestLayer.builder().file(longName, "z").build().tar(), new LinkedHashMap<>());
    assertThat(tar).containsKey(longName);
  }

  @Test
  void expectedTreeAppliesOverlaySemantics() {
    TestImage image = TestImages.sample();
    ExpectedTree tree = image.expectedTree();
    assertThat(tree.get("etc/hostname").orElseThrow().contentDigest())
        .isEqualTo(Digest.ofUtf8("layer2\n"));
    assertThat(tree.contains("var/cache/old")).isFalse();
    assertThat(tree.contains("var/cache/old/a")).isFalse();
    assertThat(tree.contains("var/cache")).isTrue();
    assertThat(tree.contains("opt/conf/keep-me-not")).isFalse();
    assertThat(tree.contains("opt/conf/only")).isTrue();
    assertThat(tree.contains("etc/empty")).isFalse();
    assertThat(tree.nodes().keySet()).noneMatch(p -> p.contains(".wh."));
    ExpectedTree.Node link = tree.get("etc/os-release.link").orElseThrow();
    assertThat(link.type()).isEqualTo(TestEntry.Type.FILE);
    assertThat(link.hardlinkOf()).isEqualTo("etc/os-release");
    assertThat(link.contentDigest()).isEqualTo(Digest.ofUtf8("ID=tracefetch-test\n"));
    ExpectedTree.Node big = tree.get("data/big.bin").orElseThrow();
    assertThat(big.size()).isGreaterThan(2L * TestImages.CHUNK);
    assertThat(tree.get("bin/sh").orElseThrow().linkTarget()).isEqualTo("/bin/busybox");
    assertThat(tree.get("home/app/secret").orElseThrow().uid()).isEqualTo(1000);
    assertThat(tree.get("bin/suid").orElseThrow().mode()).isEqualTo(04755);
  }

  @Test
  void configAndManifestDescribeTheLayers() throws Exception {
    TestImage image = TestImages.sample();
    ImageManifest manifest = (ImageManifest) image.manifest().parse();
    assertThat(manifest.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
    assertThat(manifest.config()).isEqualTo(image.configDescriptor());
    ImageConfig config = ImageConfig.parse(image.config());
    List<Digest> diffIds = new ArrayList<>();
    for (TestImage.Layer layer : image.layers()) {
      assertThat(layer.descriptor().mediaType()).isEqualTo(MediaTypes.OCI_LAYER_GZIP);
      assertThat(layer.descriptor().digest()).isEqualTo(Digest.of(layer.blob()));
      try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(layer.blob()))) {
        diffIds.add(Digest.of(in.readAllBytes()));
      }
    }
    assertThat(config.diffIds()).isEqualTo(diffIds);
    assertThat(config.history()).hasSize(3);
    assertThat(config.entrypoint()).containsExactly("/bin/tool");
    assertThat(config.cmd()).containsExactly("--serve");
    assertThat(config.env()).contains("APP_MODE=test");
    assertThat(manifest.layers()).extracting(d -> d.digest()).doesNotHaveDuplicates();

    TestImage plain = TestImages.sample(TestImage.Compression.NONE);
    assertThat(plain.layers())
        .allSatisfy(
            l -> assertThat(l.descriptor().mediaType()).isEqualTo(MediaTypes.OCI_LAYER_TAR));
    assertThat(plain.layers().get(0).diffId())
        .isEqualTo(plain.layers().get(0).descriptor().digest());
  }

  @Test
  void invalidLayersAreRejected() {
    assertThatThrownBy(() -> TestLayer.builder().hardlink("a", "missing"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TestLayer.builder().file("../escape", "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TestLayer.builder().file("a/x", "x").directory("a"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
