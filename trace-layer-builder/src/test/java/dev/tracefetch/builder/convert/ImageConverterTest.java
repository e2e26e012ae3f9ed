package dev.tracefetch.builder.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracefetch.builder.testing.EstargzChecks;
import dev.tracefetch.builder.testing.MixedImage;
import dev.tracefetch.builder.testing.MixedImage.Encoding;
import dev.tracefetch.builder.transfer.ImageEndpoint;
import dev.tracefetch.builder.transfer.LayoutRepository;
import dev.tracefetch.layer.estargz.Estargz;
import dev.tracefetch.layer.estargz.EstargzIndex;
import dev.tracefetch.layer.estargz.EstargzWriter;
import dev.tracefetch.layer.estargz.TocEntry;
import dev.tracefetch.layer.tar.LayerCompression;
import dev.tracefetch.oci.image.ContentNotFoundException;
import dev.tracefetch.oci.image.Descriptor;
import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.image.ImageConfig;
import dev.tracefetch.oci.image.ImageIndex;
import dev.tracefetch.oci.image.ImageManifest;
import dev.tracefetch.oci.image.MediaTypes;
import dev.tracefetch.oci.image.Platform;
import dev.tracefetch.oci.image.RawManifest;
import dev.tracefetch.oci.layout.OciLayout;
import dev.tracefetch.oci.registry.BlobPushResult;
import dev.tracefetch.oci.testing.TestEntry;
import dev.tracefetch.oci.testing.TestLayer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The converter end to end between OCI layouts (real files, no registry). */
class ImageConverterTest {
  static final int CHUNK = 64 << 10;

  @TempDir Path dir;
  Path temp;
  OciLayout sourceLayout;
  OciLayout targetLayout;

  @BeforeEach
  void setUp() throws IOException {
    temp = Files.createDirectories(dir.resolve("tmp"));
    sourceLayout = OciLayout.create(dir.resolve("src"));
    targetLayout = OciLayout.create(dir.resolve("dst"));
  }

  static TestLayer base() {
    return TestLayer.builder()
        .directory("bin")
        .add(TestEntry.file("bin/tool", "#!/bin/sh\necho tool\n").withMode(0755))
        .symlink("bin/sh", "/bin/busybox")
        .file("etc/hostname", "base\n")
        .hardlink("etc/hostname.link", "etc/hostname")
        .add(TestEntry.file("etc/empty", new byte[0]))
        .file("var/cache/a", "a")
        .build();
  }

  static TestLayer data(long seed) {
    return TestLayer.builder()
        .largeFile("data/big-" + seed + ".bin", 3 * CHUNK + 17, seed)
        .add(TestEntry.file("etc/hostname", "layer\n").withOwner(1000, 1000))
        .whiteout("var/cache")
        .build();
  }

  static TestLayer top() {
    return TestLayer.builder()
        .opaque("bin")
        .file("bin/only", "upper")
        .add(TestEntry.file("srv/ünïcödé.txt", "names"))
        .build();
  }

  ImageConverter converter() {
    return ImageConverter.builder()
        .chunkSize(CHUNK)
        .tempDirectory(temp)
        .platform(Platform.linuxAmd64())
        .build();
  }

  ImageEndpoint source(String tag) {
    return new ImageEndpoint(new LayoutRepository(sourceLayout), tag);
  }

  ImageEndpoint target(String tag) {
    return new ImageEndpoint(new LayoutRepository(targetLayout), tag);
  }

  /** Records what the converter reports. */
  static final class Recorder implements ConversionListener {
    final AtomicLong transferred = new AtomicLong();
    final AtomicLong added = new AtomicLong();
    final List<ConvertedLayer> done = Collections.synchronizedList(new ArrayList<>());
    final List<String> warnings = Collections.synchronizedList(new ArrayList<>());
    volatile int layers = -1;
    volatile long bytes = -1;

    @Override
    public void started(String source, int layers, long bytes) {
      this.layers = layers;
      this.bytes = bytes;
    }

    @Override
    public void bytesTransferred(long n) {
      transferred.addAndGet(n);
    }

    @Override
    public void bytesAdded(long n) {
      added.addAndGet(n);
    }

    @Override
    public void layerDone(ConvertedLayer layer) {
      done.add(layer);
    }

    @Override
    public void warning(String message) {
      warnings.add(message);
    }
  }

  ImageManifest targetManifest(String tag) throws IOException {
    RawManifest raw = targetLayout.manifest(tag);
    return ImageManifest.parse(raw.mediaType(), raw.bytes());
  }

  @Test
  void convertsTarGzipAndZstdLayersAndRewritesOnlyTheDiffIds() throws Exception {
    MixedImage image =
        MixedImage.builder()
            .layer(base(), Encoding.TAR)
            .layer(data(1), Encoding.GZIP, Map.of("org.opencontainers.image.title", "data"))
            .layer(data(2), Encoding.ZSTD)
            .layer(data(3), Encoding.GZIP_MEMBERS)
            .layer(top(), Encoding.ZSTD_FRAMES)
            .manifestAnnotations(Map.of("org.opencontainers.image.source", "test"))
            .build();
    image.writeTo(sourceLayout, "v1");
    Recorder events = new Recorder();

    ConversionResult result = converter().convert(source("v1"), target("estargz"), events);

    assertThat(result.layers())
        .extracting(ConvertedLayer::action)
        .containsOnly(LayerAction.CONVERTED);
    assertThat(result.layers())
        .extracting(ConvertedLayer::sourceCompression)
        .containsExactly(
            LayerCompression.TAR,
            LayerCompression.GZIP,
            LayerCompression.ZSTD,
            LayerCompression.GZIP,
            LayerCompression.ZSTD);
    assertThat(result.unchanged()).isFalse();
    assertThat(events.layers).isEqualTo(5);
    assertThat(events.bytes)
        .isEqualTo(image.layers().stream().mapToLong(l -> l.blob().length).sum());
    assertThat(events.done).hasSize(5);
    assertThat(events.warnings).isEmpty();
    // Every source byte was read and every converted byte written.
    long converted = result.layers().stream().mapToLong(l -> l.result().size()).sum();
    assertThat(events.added.get()).isEqualTo(converted);
    assertThat(events.transferred.get()).isEqualTo(events.bytes + converted);

    ImageManifest m = targetManifest("estargz");
    assertThat(m.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
    assertThat(m.annotations()).containsEntry("org.opencontainers.image.source", "test");
    assertThat(result.manifest().digest())
        .isEqualTo(targetLayout.find("estargz").orElseThrow().digest());
    byte[] configBytes = targetLayout.readBlob(m.config());
    ImageConfig config = ImageConfig.parse(configBytes);
    ImageConfig sourceConfig = ImageConfig.parse(image.config());
    assertThat(m.config().mediaType()).isEqualTo(MediaTypes.OCI_CONFIG);
    assertThat(m.layers()).hasSize(5);
    for (int i = 0; i < 5; i++) {
      Descriptor layer = m.layers().get(i);
      assertThat(layer.mediaType()).isEqualTo(MediaTypes.OCI_LAYER_GZIP);
      byte[] blob = targetLayout.readBlob(layer);
      EstargzChecks.verify(layer, blob, config.diffIds().get(i));
      assertThat(result.layers().get(i).diffId()).isEqualTo(config.diffIds().get(i));
      // The converted tar has the source's entries (plus landmark and TOC), same content.
      Map<String, EstargzChecks.Entry> got =
          EstargzChecks.byName(EstargzChecks.entries(EstargzChecks.gunzip(blob)));
      Map<String, EstargzChecks.Entry> want =
          EstargzChecks.byName(EstargzChecks.entries(image.layers().get(i).source().tar()));
      assertThat(got.keySet())
          .containsAll(want.keySet())
          .contains(Estargz.TOC_TAR_NAME, Estargz.NO_PREFETCH_LANDMARK);
      for (var e : want.values()) {
        assertThat(got.get(e.name())).as(e.name()).isEqualTo(e);
      }
    }
    assertThat(m.layers().get(1).annotations())
        .containsEntry("org.opencontainers.image.title", "data");
    // Only the diff IDs changed: history, runtime config and labels are the source's.
    assertThat(config.diffIds()).doesNotContainAnyElementsOf(sourceConfig.diffIds());
    assertThat(config.history()).isEqualTo(sourceConfig.history());
    assertThat(config.withDiffIds(sourceConfig.diffIds())).isEqualTo(sourceConfig);
    assertThat(
            new String(config.withDiffIds(sourceConfig.diffIds()).toJson(), StandardCharsets.UTF_8))
        .isEqualTo(new String(image.config(), StandardCharsets.UTF_8));
    assertThat(temp).isEmptyDirectory();
  }

  @Test
  void convertingAConvertedImageReproducesItExactly() throws Exception {
    MixedImage.builder()
        .layer(base(), Encoding.GZIP)
        .layer(data(1), Encoding.ZSTD)
        .build()
        .writeTo(sourceLayout, "v1");
    ConversionResult first = converter().convert(source("v1"), target("once"), new Recorder());

    Recorder events = new Recorder();
    ConversionResult second =
        converter()
            .convert(
                new ImageEndpoint(new LayoutRepository(targetLayout), "once"),
                target("twice"),
                events);

    assertThat(second.layers()).extracting(ConvertedLayer::action).containsOnly(LayerAction.KEPT);
    assertThat(second.layers())
        .extracting(ConvertedLayer::push)
        .containsOnly(BlobPushResult.ALREADY_PRESENT);
    assertThat(second.unchanged()).isTrue();
    assertThat(second.manifest()).isEqualTo(first.manifest());
    assertThat(second.config()).isEqualTo(first.config());
    assertThat(targetLayout.find("twice").orElseThrow().digest())
        .isEqualTo(first.manifest().digest());
    assertThat(events.warnings).isEmpty();
  }

  @Test
  void keepsDockerMediaTypes() throws Exception {
    MixedImage.builder()
        .docker()
        .layer(base(), Encoding.GZIP)
        .layer(top(), Encoding.GZIP_MEMBERS)
        .build()
        .writeTo(sourceLayout, "docker");

    ConversionResult r = converter().convert(source("docker"), target("docker"), new Recorder());

    ImageManifest m = targetManifest("docker");
    assertThat(m.mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST);
    assertThat(m.config().mediaType()).isEqualTo(MediaTypes.DOCKER_CONFIG);
    assertThat(m.layers())
        .allSatisfy(
            l -> {
              assertThat(l.mediaType()).isEqualTo(MediaTypes.DOCKER_LAYER_GZIP);
              assertThat(Estargz.isEstargz(l)).isTrue();
            });
    assertThat(r.layers()).extracting(ConvertedLayer::action).containsOnly(LayerAction.CONVERTED);
  }

  @Test
  void aLayerNotMatchingItsDiffIdFailsAndNothingIsTagged() throws Exception {
    MixedImage image =
        MixedImage.builder().layer(base(), Encoding.GZIP).layer(top(), Encoding.TAR).build();
    Digest wrong = Digest.of("something else".getBytes(StandardCharsets.UTF_8));
    ImageConfig bad =
        ImageConfig.parse(image.config())
            .withDiffIds(List.of(image.layers().get(0).diffId(), wrong));
    writeWithConfig(image, bad.toJson(), "bad");

    assertThatThrownBy(() -> converter().convert(source("bad"), target("bad"), new Recorder()))
        .isInstanceOf(ConversionException.class)
        .hasMessageContaining("layer 2/2 (" + image.layers().get(1).descriptor().digest() + ")")
        .hasMessageContaining("oci:" + sourceLayout.directory() + ":bad")
        .hasMessageContaining("diff_id says " + wrong);
    assertThat(targetLayout.tags()).isEmpty();
    assertThat(temp).isEmptyDirectory();
  }

  @Test
  void unsupportedLayerTypesAreRefusedBeforeAnyWork() throws Exception {
    MixedImage image = MixedImage.builder().layer(base(), Encoding.GZIP).build();
    String foreign = "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";
    Descriptor layer = image.layers().get(0).descriptor();
    ImageManifest m =
        ImageManifest.parse(image.manifest().mediaType(), image.manifest().bytes())
            .withLayers(
                List.of(
                    new Descriptor(foreign, layer.digest(), layer.size(), Map.of(), null, null)));
    write(image, image.config(), m.toRaw(), "foreign");
    Recorder events = new Recorder();

    assertThatThrownBy(() -> converter().convert(source("foreign"), target("x"), events))
        .isInstanceOf(ConversionException.class)
        .hasMessageContaining("layer 1/1")
        .hasMessageContaining(foreign)
        .hasMessageContaining(MediaTypes.OCI_LAYER_ZSTD);
    assertThat(events.layers).isEqualTo(-1);
    assertThat(targetLayout.tags()).isEmpty();
  }

  @Test
  void anUnknownTagNamesTheImage() {
    assertThatThrownBy(() -> converter().convert(source("nope"), target("x"), new Recorder()))
        .isInstanceOf(ContentNotFoundException.class)
        .hasMessageContaining("image oci:" + sourceLayout.directory() + ":nope not found");
  }

  @Test
  void anEstargzBlobWithoutAnnotationsIsKeptAndAnnotated() throws Exception {
    byte[] tar = base().tar();
    ByteArrayOutputStream estargz = new ByteArrayOutputStream();
    var written =
        EstargzWriter.builder()
            .chunkSize(CHUNK)
            .build()
            .convert(new java.io.ByteArrayInputStream(tar), estargz);
    byte[] blob = estargz.toByteArray();
    Digest diffId = Digest.of(EstargzChecks.gunzip(blob));
    Descriptor plain = Descriptor.ofContent(MediaTypes.OCI_LAYER_GZIP, blob);
    sourceLayout.writeBlob(MediaTypes.OCI_LAYER_GZIP, blob);
    byte[] config =
        ImageConfig.empty(Platform.linuxAmd64()).withAppendedLayer(diffId, null).toJson();
    Descriptor cd = sourceLayout.writeBlob(MediaTypes.OCI_CONFIG, config);
    RawManifest m = ImageManifest.oci(cd, List.of(plain)).toRaw();
    sourceLayout.tag("plain", sourceLayout.writeManifest(m));

    ConversionResult r = converter().convert(source("plain"), target("plain"), new Recorder());

    ConvertedLayer l = r.layers().get(0);
    assertThat(l.action()).isEqualTo(LayerAction.ANNOTATED);
    assertThat(l.result().digest()).isEqualTo(plain.digest());
    assertThat(l.result().annotations())
        .containsEntry(Estargz.TOC_DIGEST_ANNOTATION, written.tocDigest().toString())
        .containsEntry(
            Estargz.UNCOMPRESSED_SIZE_ANNOTATION, Long.toString(written.uncompressedSize()));
    assertThat(r.config().digest()).isEqualTo(cd.digest()); // diff IDs unchanged
    EstargzChecks.verify(targetManifest("plain").layers().get(0), blob, diffId);
  }

  @Test
  void aWrongTocAnnotationIsReportedAndTheLayerConverted() throws Exception {
    Map<String, String> lie =
        Map.of(
            Estargz.TOC_DIGEST_ANNOTATION,
            Digest.of(new byte[1]).toString(),
            Estargz.UNCOMPRESSED_SIZE_ANNOTATION,
            "1");
    MixedImage.builder().layer(base(), Encoding.GZIP, lie).build().writeTo(sourceLayout, "lie");
    Recorder events = new Recorder();

    ConversionResult r = converter().convert(source("lie"), target("lie"), events);

    assertThat(r.layers().get(0).action()).isEqualTo(LayerAction.CONVERTED);
    assertThat(events.warnings).singleElement().asString().contains("not valid eStargz");
    Descriptor layer = targetManifest("lie").layers().get(0);
    assertThat(layer.annotations().get(Estargz.TOC_DIGEST_ANNOTATION))
        .isNotEqualTo(lie.get(Estargz.TOC_DIGEST_ANNOTATION));
    EstargzChecks.verify(layer, targetLayout.readBlob(layer), r.layers().get(0).diffId());
  }

  @Test
  void prioritizedFilesGoFirstInTheirLayers() throws Exception {
    MixedImage.builder()
        .layer(base(), Encoding.GZIP)
        .layer(top(), Encoding.GZIP)
        .build()
        .writeTo(sourceLayout, "v1");
    ImageConverter c =
        ImageConverter.builder()
            .chunkSize(CHUNK)
            .tempDirectory(temp)
            .prioritizedFiles(List.of("/bin/only", "/etc/hostname", "/not/there"))
            .build();

    ConversionResult r = c.convert(source("v1"), target("prio"), new Recorder());

    assertThat(r.layers().get(0).prioritizedFiles()).containsExactly("/etc/hostname");
    assertThat(r.layers().get(1).prioritizedFiles()).containsExactly("/bin/only");
    assertThat(r.missedPrioritizedFiles()).containsExactly("/not/there");
    Descriptor layer = targetManifest("prio").layers().get(0);
    EstargzIndex index =
        EstargzChecks.verify(layer, targetLayout.readBlob(layer), r.layers().get(0).diffId());
    List<String> names = index.toc().entries().stream().map(TocEntry::name).toList();
    assertThat(names.indexOf("etc/hostname")).isLessThan(names.indexOf(Estargz.PREFETCH_LANDMARK));
    assertThat(names.indexOf("bin/tool")).isGreaterThan(names.indexOf(Estargz.PREFETCH_LANDMARK));
    assertThat(index.prefetchLandmarkOffset()).isPresent();
  }

  @Test
  void followsAnIndexToTheRequestedPlatformAndConvertsRepeatedLayersOnce() throws Exception {
    MixedImage amd = MixedImage.builder().layer(base(), Encoding.GZIP).build();
    TestLayer empty = TestLayer.builder().build();
    MixedImage arm =
        MixedImage.builder()
            .layer(empty, Encoding.GZIP)
            .layer(top(), Encoding.ZSTD)
            .layer(empty, Encoding.GZIP)
            .build();
    Descriptor amdManifest = amd.writeTo(sourceLayout, "amd");
    Descriptor armManifest = arm.writeTo(sourceLayout, "arm");
    RawManifest index =
        ImageIndex.oci(
                List.of(
                    withPlatform(amdManifest, Platform.linuxAmd64()),
                    withPlatform(armManifest, new Platform("linux", "arm64", "v8"))))
            .toRaw();
    sourceLayout.tag("multi", sourceLayout.writeManifest(index));
    Recorder events = new Recorder();

    ConversionResult r =
        ImageConverter.builder()
            .chunkSize(CHUNK)
            .tempDirectory(temp)
            .platform(new Platform("linux", "arm64", null))
            .build()
            .convert(source("multi"), target("arm"), events);

    assertThat(r.sourceManifest().digest()).isEqualTo(armManifest.digest());
    assertThat(r.layers()).hasSize(3);
    assertThat(r.layers().get(2).result()).isEqualTo(r.layers().get(0).result());
    assertThat(r.layers().get(2).index()).isEqualTo(2);
    assertThat(events.done).hasSize(3);
    ImageManifest m = targetManifest("arm");
    assertThat(ImageConfig.parse(targetLayout.readBlob(m.config())).diffIds()).hasSize(3);
  }

  private static Descriptor withPlatform(Descriptor d, Platform p) {
    return new Descriptor(d.mediaType(), d.digest(), d.size(), Map.of(), null, p);
  }

  private void writeWithConfig(MixedImage image, byte[] config, String tag) throws IOException {
    ImageManifest m =
        ImageManifest.parse(image.manifest().mediaType(), image.manifest().bytes())
            .withConfig(Descriptor.ofContent(MediaTypes.OCI_CONFIG, config));
    write(image, config, m.toRaw(), tag);
  }

  private void write(MixedImage image, byte[] config, RawManifest manifest, String tag)
      throws IOException {
    for (MixedImage.Layer l : image.layers()) {
      sourceLayout.writeBlob(l.descriptor().mediaType(), l.blob());
    }
    sourceLayout.writeBlob(MediaTypes.OCI_CONFIG, config);
    sourceLayout.tag(tag, sourceLayout.writeManifest(manifest));
  }

  static long count(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.count();
    }
  }
}
