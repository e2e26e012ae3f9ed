package dev.tracefetch.fs.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tracefetch.fs.cache.ChunkCache;
import dev.tracefetch.fs.fuse.Mount;
import dev.tracefetch.fs.fuse.MountOptions;
import dev.tracefetch.fs.image.ChunkRef;
import dev.tracefetch.fs.image.TreeNode;
import dev.tracefetch.fs.lazy.ImageFileSystem;
import dev.tracefetch.fs.lazy.TimeLimitedChunkSource;
import dev.tracefetch.layer.estargz.EstargzIndex;
import dev.tracefetch.layer.estargz.EstargzResult;
import dev.tracefetch.layer.estargz.EstargzWriter;
import dev.tracefetch.oci.image.Descriptor;
import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.image.ImageManifest;
import dev.tracefetch.oci.image.MediaTypes;
import dev.tracefetch.oci.registry.BlobSource;
import dev.tracefetch.oci.registry.RegistryClient;
import dev.tracefetch.oci.registry.RegistryTimeouts;
import dev.tracefetch.oci.registry.RetryPolicy;
import dev.tracefetch.oci.testing.ExpectedTree;
import dev.tracefetch.oci.testing.RegistryExtension;
import dev.tracefetch.oci.testing.TestEntry;
import dev.tracefetch.oci.testing.TestImage;
import dev.tracefetch.oci.testing.TestImages;
import dev.tracefetch.oci.testing.TestLayer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole node-side path against a real registry: eStargz layers pushed to Debian's
 * docker-registry, opened by footer and TOC only, mounted through FUSE, compared with the tree the
 * image's layers define, with chunks fetched by range only when read.
 */
class RemoteImageMountIT {
  @RegisterExtension static final RegistryExtension REGISTRY = RegistryExtension.anonymous();

  @TempDir Path work;

  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void release() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private <T extends AutoCloseable> T keep(T c) {
    open.add(c);
    return c;
  }

  /** Pushes {@code image} with every layer converted to eStargz except those in {@code plain}. */
  static ImageManifest pushEstargz(
      RegistryClient client, String repo, TestImage image, int... plain) throws IOException {
    return pushEstargz(client, repo, image, EstargzWriter.defaults(), plain);
  }

  static ImageManifest pushEstargz(
      RegistryClient client, String repo, TestImage image, EstargzWriter writer, int... plain)
      throws IOException {
    List<Descriptor> layers = new ArrayList<>();
    for (int i = 0; i < image.layers().size(); i++) {
      TestImage.Layer l = image.layers().get(i);
      final int index = i;
      if (java.util.Arrays.stream(plain).anyMatch(p -> p == index)) {
        client.pushBlob(repo, l.descriptor().digest(), BlobSource.of(l.blob()));
        layers.add(l.descriptor());
        continue;
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      EstargzResult r = writer.convert(new ByteArrayInputStream(l.blob()), out);
      client.pushBlob(repo, r.blobDigest(), BlobSource.of(out.toByteArray()));
      layers.add(r.descriptor());
    }
    client.pushBlob(repo, image.configDescriptor().digest(), BlobSource.of(image.config()));
    ImageManifest m = ImageManifest.oci(image.configDescriptor(), layers);
    client.pushManifest(repo, "v1", MediaTypes.OCI_MANIFEST, m.toJson());
    return m;
  }

  private record Mounted(RemoteImage image, ChunkCache cache, Mount mount) {}

  private Mounted mount(RegistryClient client, String repo, ImageManifest m) throws Exception {
    return mount(client, repo, m, LayerDownloadOptions.defaults());
  }

  private Mounted mount(
      RegistryClient client, String repo, ImageManifest m, LayerDownloadOptions options)
      throws Exception {
    assumeTrue(Files.isReadable(Path.of("/dev/fuse")), "/dev/fuse is not available here");
    RemoteImage image = keep(RemoteImage.open(client, repo, m, work.resolve("layers"), options));
    ChunkCache cache = keep(ChunkCache.open(work.resolve("cache"), 256L << 20));
    TimeLimitedChunkSource limited =
        keep(new TimeLimitedChunkSource(image.source(), Duration.ofSeconds(20)));
    Path mp = Files.createDirectories(work.resolve("mnt"));
    Mount mount =
        keep(
            Mount.mount(
                new ImageFileSystem(image.lazyTree(), limited, cache),
                mp,
                MountOptions.defaults()));
    return new Mounted(image, cache, mount);
  }

  private static void assertMatches(Path root, ExpectedTree expected) throws IOException {
    List<String> found = new ArrayList<>();
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes a) {
            if (!dir.equals(root)) {
              found.add(root.relativize(dir).toString());
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes a) {
            found.add(root.relativize(file).toString());
            return FileVisitResult.CONTINUE;
          }
        });
    for (String p : found) {
      boolean ancestorOfExpected =
          expected.nodes().keySet().stream().anyMatch(e -> e.startsWith(p + "/"));
      assertThat(expected.contains(p) || ancestorOfExpected)
          .as("unexpected path %s in the mount", p)
          .isTrue();
    }
    assertThat(new TreeSet<>(found)).containsAll(expected.nodes().keySet());
    for (Map.Entry<String, ExpectedTree.Node> e : expected.nodes().entrySet()) {
      ExpectedTree.Node n = e.getValue();
      Path host = root.resolve(e.getKey());
      Map<String, Object> a = Files.readAttributes(host, "unix:*", LinkOption.NOFOLLOW_LINKS);
      int fmt = (Integer) a.get("mode") & 0170000;
      switch (n.type()) {
        case DIRECTORY -> assertThat(fmt).as("type of %s", e.getKey()).isEqualTo(0040000);
        case FILE -> {
          assertThat(fmt).as("type of %s", e.getKey()).isEqualTo(0100000);
          byte[] content = Files.readAllBytes(host);
          assertThat((long) content.length).as("size of %s", e.getKey()).isEqualTo(n.size());
          assertThat(Digest.of(content))
              .as("content of %s", e.getKey())
              .isEqualTo(n.contentDigest());
        }
        case SYMLINK -> {
          assertThat(fmt).as("type of %s", e.getKey()).isEqualTo(0120000);
          assertThat(Files.readSymbolicLink(host).toString()).isEqualTo(n.linkTarget());
        }
        default -> throw new AssertionError("unexpected type " + n.type());
      }
      if (n.type() != TestEntry.Type.SYMLINK) {
        assertThat((Integer) a.get("mode") & 07777)
            .as("mode of %s", e.getKey())
            .isEqualTo(n.mode());
      }
      assertThat(a.get("uid")).as("uid of %s", e.getKey()).isEqualTo(n.uid());
      assertThat(a.get("gid")).as("gid of %s", e.getKey()).isEqualTo(n.gid());
      assertThat(((FileTime) a.get("lastModifiedTime")).toInstant().getEpochSecond())
          .as("mtime of %s", e.getKey())
          .isEqualTo(n.mtime().getEpochSecond());
      if (n.hardlinkOf() != null) {
        assertThat(a.get("ino"))
            .as("hard link %s", e.getKey())
            .isEqualTo(Files.getAttribute(root.resolve(n.hardlinkOf()), "unix:ino"));
      }
    }
  }

  @Test
  void estargzImageMountsFromTheRegistryAndMatchesItsLayersByteForByte() throws Exception {
    TestImage image = TestImages.sample();
    RegistryClient client = keep(REGISTRY.server().newClient());
    ImageManifest m = pushEstargz(client, "lazy/sample", image);
    long blobBytes = m.layers().stream().mapToLong(Descriptor::size).sum();

    Mounted mounted = mount(client, "lazy/sample", m);
    long atMount = client.counters().bytesDownloaded();
    assertThat(atMount).as("mounting reads footers and TOCs only").isLessThan(blobBytes / 4);

    assertThat(Files.readString(mounted.mount().mountPoint().resolve("etc/hostname")))
        .isEqualTo("layer2\n");
    long forOneFile = client.counters().bytesDownloaded() - atMount;
    assertThat(forOneFile).as("one small file fetches one small chunk").isLessThan(64 * 1024);
    assertThat(forOneFile).isPositive();

    assertMatches(mounted.mount().mountPoint(), image.expectedTree());
  }

  @Test
  void layersThatAreNotEstargzAreDownloadedOnFirstAccessInRangedPartsNotAtMount() throws Exception {
    TestImage image = TestImages.sample();
    RegistryClient client = keep(REGISTRY.server().newClient());
    ImageManifest m = pushEstargz(client, "lazy/mixed", image, 0, 1);
    long plainBytes = m.layers().get(0).size() + m.layers().get(1).size();
    int partSize = 1 << 20;

    long before = client.counters().bytesDownloaded();
    long requestsBefore = client.counters().requests();
    Mounted mounted =
        mount(client, "lazy/mixed", m, LayerDownloadOptions.defaults().withParts(4, partSize));
    long atMount = client.counters().bytesDownloaded() - before;
    assertThat(atMount).as("mounting downloads no layer").isLessThan(m.layers().get(1).size() / 10);
    assertThat(mounted.image().lazyTree().isResolved()).isFalse();
    assertThat(mounted.image().wholeLayerCount()).isEqualTo(2);
    assertThat(mounted.image().estargzIndexes().get(0)).isNull();
    assertThat(mounted.image().estargzIndexes().get(2)).isNotNull();
    assertThat(work.resolve("layers"))
        .as("nothing downloaded into the work dir at mount")
        .satisfiesAnyOf(d -> assertThat(d).doesNotExist(), d -> assertThat(d).isEmptyDirectory());

    // First access: the two plain layers are fetched whole, in ranged parts.
    try (var root = Files.list(mounted.mount().mountPoint())) {
      assertThat(root.map(p -> p.getFileName().toString()).toList())
          .contains("bin", "data", "etc", "opt", "srv");
    }
    assertThat(mounted.image().lazyTree().isResolved()).isTrue();
    long afterAccess = client.counters().bytesDownloaded() - before;
    assertThat(afterAccess - atMount).isGreaterThanOrEqualTo(plainBytes);
    assertThat(mounted.image().wholeLayerBytesDownloaded()).isEqualTo(plainBytes);
    long parts = (m.layers().get(1).size() + partSize - 1) / partSize;
    assertThat(parts).as("the big layer needs several parts").isGreaterThan(2);
    assertThat(client.counters().requests() - requestsBefore).isGreaterThanOrEqualTo(parts + 1);
    try (var files = Files.list(work.resolve("layers"))) {
      assertThat(files.map(p -> p.getFileName().toString()).toList())
          .as("only verified, decompressed tars remain")
          .hasSize(2)
          .allMatch(n -> n.endsWith(".tar") && !n.startsWith("."));
    }

    assertMatches(mounted.mount().mountPoint(), image.expectedTree());
    long afterTree = client.counters().bytesDownloaded();
    assertThat(Files.readString(mounted.mount().mountPoint().resolve("etc/os-release")))
        .isEqualTo("ID=tracefetch-test\n");
    assertThat(client.counters().bytesDownloaded())
        .as("served from local disk")
        .isEqualTo(afterTree);
  }

  @Test
  void plainTarAndZstdLayersMountAndTheirEstargzBookkeepingIsHiddenAtTheRoot() throws Exception {
    TestLayer base =
        TestLayer.builder()
            .file("etc/os-release", "ID=plain\n")
            .file(".prefetch.landmark", "x")
            .file("stargz.index.json", "{}")
            .file("keep/.prefetch.landmark", "nested")
            .build();
    TestLayer middle =
        TestLayer.builder()
            .largeFile("data/big.bin", TestImages.CHUNK + 12345, 5)
            .file(".no.prefetch.landmark", "y")
            .build();
    TestLayer top = TestLayer.builder().file("etc/motd", "hello\n").build();
    TestImage image =
        TestImage.builder()
            .layer(base)
            .layer(middle)
            .layer(top)
            .compression(TestImage.Compression.NONE)
            .build();
    RegistryClient client = keep(REGISTRY.server().newClient());
    String repo = "lazy/tar-zstd";
    byte[] tar0 = image.layers().get(0).blob();
    byte[] zstd1 = zstd(image.layers().get(1).blob());
    ByteArrayOutputStream esgz = new ByteArrayOutputStream();
    EstargzResult top2 =
        EstargzWriter.defaults()
            .convert(new ByteArrayInputStream(image.layers().get(2).blob()), esgz);
    Descriptor d0 = Descriptor.ofContent(MediaTypes.OCI_LAYER_TAR, tar0);
    Descriptor d1 = Descriptor.ofContent(MediaTypes.OCI_LAYER_ZSTD, zstd1);
    client.pushBlob(repo, d0.digest(), BlobSource.of(tar0));
    client.pushBlob(repo, d1.digest(), BlobSource.of(zstd1));
    client.pushBlob(repo, top2.blobDigest(), BlobSource.of(esgz.toByteArray()));
    client.pushBlob(repo, image.configDescriptor().digest(), BlobSource.of(image.config()));
    ImageManifest m =
        ImageManifest.oci(image.configDescriptor(), List.of(d0, d1, top2.descriptor()));
    client.pushManifest(repo, "v1", MediaTypes.OCI_MANIFEST, m.toJson());

    Mounted mounted = mount(client, repo, m);
    Path mp = mounted.mount().mountPoint();
    try (var root = Files.list(mp)) {
      assertThat(root.map(p -> p.getFileName().toString()).toList())
          .containsExactlyInAnyOrder("etc", "data", "keep");
    }
    for (String hidden :
        List.of(".prefetch.landmark", ".no.prefetch.landmark", "stargz.index.json")) {
      assertThat(Files.exists(mp.resolve(hidden), LinkOption.NOFOLLOW_LINKS)).as(hidden).isFalse();
    }
    assertThat(Files.readString(mp.resolve("keep/.prefetch.landmark")))
        .as("only the root is cleaned")
        .isEqualTo("nested");
    assertThat(Files.readString(mp.resolve("etc/os-release"))).isEqualTo("ID=plain\n");
    assertThat(Files.readString(mp.resolve("etc/motd"))).isEqualTo("hello\n");
    byte[] big = Files.readAllBytes(mp.resolve("data/big.bin"));
    assertThat(Digest.of(big))
        .isEqualTo(image.expectedTree().nodes().get("data/big.bin").contentDigest());
  }

  @Test
  void aCorruptPlainLayerIsNeverServedAndTheMountRecoversOnceItIsRepaired() throws Exception {
    TestImage image = TestImages.sample();
    RegistryClient client = keep(REGISTRY.server().newClient());
    ImageManifest m = pushEstargz(client, "lazy/bad-plain", image, 0, 1, 2);
    Descriptor layer = m.layers().get(1);
    Path stored = REGISTRY.server().blobDataPath(layer.digest());
    byte[] original = Files.readAllBytes(stored);
    byte[] corrupt = original.clone();
    corrupt[corrupt.length / 2] ^= 0x40;
    Files.write(stored, corrupt);
    try {
      Mounted mounted = mount(client, "lazy/bad-plain", m);
      Path hostname = mounted.mount().mountPoint().resolve("etc/hostname");
      assertThatThrownBy(() -> Files.readString(hostname))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("Input/output error");
      try (var files = Files.list(work.resolve("layers"))) {
        assertThat(files.map(p -> p.getFileName().toString()))
            .as("the corrupt layer left nothing usable behind")
            .noneMatch(n -> n.contains(layer.digest().hex()));
      }
      Files.write(stored, original);
      assertThat(Files.readString(hostname)).isEqualTo("layer2\n");
      assertMatches(mounted.mount().mountPoint(), image.expectedTree());
    } finally {
      Files.write(stored, original);
    }
  }

  private static byte[] zstd(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (var z = new com.github.luben.zstd.ZstdOutputStream(out)) {
      z.write(data);
    }
    return out.toByteArray();
  }

  @Test
  void corruptedChunkInTheRegistryGivesEioNotWrongBytes() throws Exception {
    TestImage image = TestImages.sample();
    RegistryClient client = keep(REGISTRY.server().newClient());
    // Its own chunk size gives blobs no other test shares: the registry stores blobs once.
    ImageManifest m =
        pushEstargz(
            client, "lazy/corrupt", image, EstargzWriter.builder().chunkSize(1 << 20).build());
    Mounted mounted = mount(client, "lazy/corrupt", m);

    // Flip one byte inside the compressed data of the second chunk of data/big.bin.
    TreeNode big = mounted.image().tree().lookup("/data/big.bin").orElseThrow();
    ChunkRef second = big.chunks().get(1);
    Descriptor layer = m.layers().get(second.key().layer());
    Path stored = REGISTRY.server().blobDataPath(layer.digest());
    try (RandomAccessFile raf = new RandomAccessFile(stored.toFile(), "rw")) {
      long at = second.key().compressedOffset() + second.key().compressedLength() / 2;
      raf.seek(at);
      int b = raf.read();
      raf.seek(at);
      raf.write(b ^ 0x40);
    }

    Path file = mounted.mount().mountPoint().resolve("data/big.bin");
    try (var ch = java.nio.channels.FileChannel.open(file)) {
      java.nio.ByteBuffer first = java.nio.ByteBuffer.allocate(4096);
      ch.read(first, 0); // first chunk is intact
      assertThat(first.position()).isEqualTo(4096);
      assertThatThrownBy(
              () -> ch.read(java.nio.ByteBuffer.allocate(4096), second.fileOffset() + 10))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("Input/output error");
    }
    assertThat(mounted.cache().contains(second.key().digest())).isFalse();
  }

  @Test
  void stoppedRegistryGivesEioAndTheMountRecoversWhenItIsBack() throws Exception {
    TestImage image = TestImages.sample();
    RegistryClient client =
        keep(
            REGISTRY
                .server()
                .clientBuilder()
                .timeouts(
                    new RegistryTimeouts(
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(5),
                        Duration.ofSeconds(5),
                        Duration.ofSeconds(10)))
                .retryPolicy(
                    new RetryPolicy(
                        2, Duration.ofMillis(100), Duration.ofMillis(200), Duration.ZERO))
                .build());
    ImageManifest m = pushEstargz(client, "lazy/outage", image);
    Mounted mounted = mount(client, "lazy/outage", m);
    Path hostname = mounted.mount().mountPoint().resolve("etc/hostname");
    Path os = mounted.mount().mountPoint().resolve("etc/os-release");

    REGISTRY.server().stop();
    try {
      assertThatThrownBy(() -> Files.readString(hostname))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("Input/output error");
    } finally {
      REGISTRY.server().restart();
    }
    assertThat(Files.readString(hostname)).isEqualTo("layer2\n");
    assertThat(Files.readString(os)).isEqualTo("ID=tracefetch-test\n");
    assertThat(mounted.mount().isMounted()).isTrue();
  }

  @Test
  void indexesAreExposedForPrefetchers() throws Exception {
    TestImage image = TestImages.sample();
    RegistryClient client = keep(REGISTRY.server().newClient());
    ImageManifest m = pushEstargz(client, "lazy/index", image);
    try (RemoteImage remote = RemoteImage.open(client, "lazy/index", m, work.resolve("l"))) {
      assertThat(remote.estargzIndexes()).hasSize(3).doesNotContainNull();
      EstargzIndex top = remote.estargzIndexes().get(2);
      assertThat(top.lookup("opt/conf/only")).isPresent();
      assertThat(remote.tree().lookup("/.no.prefetch.landmark")).isEmpty();
      assertThat(remote.tree().lookup("/.prefetch.landmark")).isEmpty();
    }
  }
}
