package dev.tracefetch.fs.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tracefetch.fs.cache.ChunkCache;
import dev.tracefetch.fs.cache.ChunkLoader;
import dev.tracefetch.layer.estargz.EstargzWriter;
import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.image.ImageReference;
import dev.tracefetch.oci.registry.RegistryClient;
import dev.tracefetch.oci.registry.RegistryTimeouts;
import dev.tracefetch.oci.registry.RetryPolicy;
import dev.tracefetch.oci.testing.FaultProxy;
import dev.tracefetch.oci.testing.FaultProxy.Fault;
import dev.tracefetch.oci.testing.RegistryExtension;
import dev.tracefetch.oci.testing.TestImage;
import dev.tracefetch.oci.testing.TestLayer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The lazy mount against a registry that fails: answers 5xx or 429, stalls, drops or cuts
 * connections (through {@link FaultProxy}), or is killed mid-mount and mid-read. A read fails with
 * EIO within the fetch timeout, never hangs and never returns wrong bytes; the mount stays up and
 * serves the right bytes once the registry is back; the chunk cache holds only intact entries.
 */
class RegistryFaultsIT {
  private static final String REPO = "faults/app";
  private static final int CHUNK = 64 << 10;
  private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(4);

  /** How long past the fetch timeout a failing read may take (FUSE round trip, loaded machine). */
  private static final Duration SLACK = Duration.ofSeconds(10);

  @RegisterExtension static final RegistryExtension REGISTRY = RegistryExtension.anonymous();

  private static byte[] big;
  private static byte[] small;
  private static Digest config;

  @TempDir Path work;

  private FaultProxy proxy;
  private final List<AutoCloseable> open = new ArrayList<>();

  @BeforeAll
  static void push() throws Exception {
    big = new byte[8 << 20];
    new Random(11).nextBytes(big);
    small = "hello from a faulty registry\n".getBytes(StandardCharsets.UTF_8);
    TestImage image =
        TestImage.builder()
            .layer(
                TestLayer.builder()
                    .file("data/big.bin", big, 0644)
                    .file("etc/small.txt", small, 0644)
                    .build())
            .build();
    config = image.configDescriptor().digest();
    try (RegistryClient client = REGISTRY.newClient()) {
      RemoteImageMountIT.pushEstargz(
          client, REPO, image, EstargzWriter.builder().chunkSize(CHUNK).build());
    }
  }

  @BeforeEach
  void startProxy() throws IOException {
    assumeTrue(Files.isReadable(Path.of("/dev/fuse")), "/dev/fuse is not available here");
    proxy = FaultProxy.start(REGISTRY.server());
  }

  @AfterEach
  void release() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    if (proxy != null) {
      proxy.close();
    }
    if (!REGISTRY.server().isRunning()) {
      REGISTRY.server().restart();
    }
  }

  private RegistryClient client() {
    return proxy
        .clientBuilder()
        .timeouts(
            new RegistryTimeouts(
                Duration.ofSeconds(1),
                Duration.ofSeconds(2),
                Duration.ofSeconds(2),
                Duration.ofSeconds(5)))
        .retryPolicy(
            new RetryPolicy(
                2, Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofSeconds(2)))
        .build();
  }

  private record Mounted(RegistryImageMount mount, ChunkCache cache) {
    Path file(String path) {
      return mount.mountPoint().resolve(path);
    }
  }

  private Mounted mount() throws Exception {
    return mount(work.resolve("cache"));
  }

  private Mounted mount(Path cacheDir) throws Exception {
    Path mp = Files.createDirectories(work.resolve("mnt"));
    AtomicReference<ChunkCache> cache = new AtomicReference<>();
    RegistryImageMount m =
        RegistryImageMount.open(
            client(),
            ImageReference.parse(proxy.hostPort() + "/" + REPO + ":v1"),
            mp,
            new RegistryImageMount.Settings(cacheDir, 256L << 20, FETCH_TIMEOUT),
            UnaryOperator.identity(),
            parts -> {
              cache.set(parts.cache());
              return () -> {};
            });
    open.add(m);
    return new Mounted(m, cache.get());
  }

  static Stream<Arguments> faults() {
    return Stream.of(
        Arguments.of("500", Fault.status(500)),
        Arguments.of("502", Fault.status(502)),
        Arguments.of("503", Fault.status(503)),
        Arguments.of("429, Retry-After 1 h", Fault.tooManyRequests(Duration.ofHours(1))),
        Arguments.of("stall", Fault.stall()),
        Arguments.of("dropped connection", Fault.drop()),
        Arguments.of("body cut after 10 bytes", Fault.cutBodyAfter(10)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("faults")
  void aFailingRegistryFailsReadsWithEioWithinTheTimeoutAndTheyRecoverAfterwards(
      String name, Fault fault) throws Exception {
    Mounted m = mount();
    proxy.inject(fault, FaultProxy.BLOB_REQUESTS);

    long start = System.nanoTime();
    assertThatThrownBy(() -> Files.readAllBytes(m.file("etc/small.txt")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("Input/output error");
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(took)
        .as("a failing read ends within its timeout")
        .isLessThan(FETCH_TIMEOUT.plus(SLACK));
    assertThat(proxy.faulted()).isPositive();
    assertThat(m.mount().isMounted()).isTrue();

    proxy.heal();
    assertThat(Files.readAllBytes(m.file("etc/small.txt"))).isEqualTo(small);
    assertThat(Digest.of(Files.readAllBytes(m.file("data/big.bin")))).isEqualTo(Digest.of(big));
    assertThat(m.cache().stats().corruptEntries()).isZero();
    m.mount().close();
    assertCacheIntact(work.resolve("cache"));
  }

  @Test
  void rateLimitingWithAShortRetryAfterIsWaitedOutAndTheReadSucceeds() throws Exception {
    Mounted m = mount();
    proxy.inject(Fault.tooManyRequests(Duration.ofSeconds(1)), FaultProxy.BLOB_REQUESTS, 1);
    assertThat(Files.readAllBytes(m.file("etc/small.txt"))).isEqualTo(small);
    assertThat(proxy.faulted()).isEqualTo(1);
  }

  @Test
  void registryKilledMidReadFailsTheReadNotTheMountAndTheFileReadsWholeAfterTheRestart()
      throws Exception {
    Mounted m = mount();
    CompletableFuture<Void> firstPiece = new CompletableFuture<>();
    CompletableFuture<Long> reader =
        CompletableFuture.supplyAsync(
            () -> {
              // A slow application reading front to back, 64 KiB at a time.
              try (FileChannel ch = FileChannel.open(m.file("data/big.bin"))) {
                ByteBuffer buf = ByteBuffer.allocate(CHUNK);
                long done = 0;
                int n;
                while ((n = ch.read(buf.clear(), done)) > 0) {
                  done += n;
                  firstPiece.complete(null);
                  Thread.sleep(40);
                }
                return done;
              } catch (IOException e) {
                firstPiece.complete(null);
                throw new java.io.UncheckedIOException(e);
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    firstPiece.get(60, TimeUnit.SECONDS);
    REGISTRY.server().stop();
    try {
      assertThatThrownBy(() -> reader.get(120, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasRootCauseInstanceOf(IOException.class)
          .rootCause()
          .hasMessageContaining("Input/output error");
      assertThat(m.mount().isMounted()).isTrue();
    } finally {
      REGISTRY.server().restart();
    }
    assertThat(Digest.of(Files.readAllBytes(m.file("data/big.bin")))).isEqualTo(Digest.of(big));
    assertThat(m.cache().stats().corruptEntries()).isZero();
    m.mount().close();
    assertCacheIntact(work.resolve("cache"));
  }

  @Test
  void registryKilledMidMountFailsTheMountCleanlyAndTheNextMountWorks() throws Exception {
    // The mount reads the manifest, the config, then each layer's footer and TOC: hold the TOC
    // read, kill the registry while it is in flight.
    proxy.inject(
        Fault.stall(), line -> line.contains("/blobs/") && !line.contains(config.toString()));
    CompletableFuture<Mounted> mounting =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return mount();
              } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
              }
            });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (proxy.faulted() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(proxy.faulted()).as("the mount asked for a blob").isPositive();
    REGISTRY.server().stop();
    proxy.heal();
    try {
      assertThatThrownBy(() -> mounting.get(120, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasRootCauseInstanceOf(IOException.class);
    } finally {
      REGISTRY.server().restart();
    }
    Path mp = work.resolve("mnt");
    assertThat(fuseMountAt(mp)).as("nothing mounted after a failed mount").isFalse();
    try (Stream<Path> left = Files.list(work.resolve("cache"))) {
      assertThat(left.map(p -> p.getFileName().toString()))
          .as("no layer work directory left behind")
          .noneMatch(n -> n.startsWith(".layers-"));
    }

    Mounted m = mount();
    assertThat(Files.readAllBytes(m.file("etc/small.txt"))).isEqualTo(small);
  }

  @Test
  void aFullCacheDiskStillServesReadsFromTheNetworkCountsTheFailuresAndLeavesNothingCorrupt()
      throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "needs root to mount a tmpfs");
    Path fullDir = Files.createDirectories(work.resolve("full-cache"));
    Process tmpfs =
        new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", fullDir.toString())
            .inheritIO()
            .start();
    assertThat(tmpfs.waitFor()).as("mount a 1 MiB tmpfs").isZero();
    try {
      // The cache may grow to 256 MiB, the filesystem under it holds 1 MiB.
      Mounted m = mount(fullDir);
      for (int i = 0; i < 2; i++) {
        assertThat(Digest.of(Files.readAllBytes(m.file("data/big.bin")))).isEqualTo(Digest.of(big));
      }
      assertThat(Files.readAllBytes(m.file("etc/small.txt"))).isEqualTo(small);
      assertThat(m.cache().stats().storeFailures())
          .as("chunks that did not fit on disk are counted")
          .isPositive();
      assertThat(m.cache().stats().corruptEntries()).isZero();
      m.mount().close();
      assertCacheIntact(fullDir);
    } finally {
      open.forEach(
          c -> {
            try {
              c.close();
            } catch (Exception ignored) {
              // released again in release()
            }
          });
      new ProcessBuilder("umount", "-l", fullDir.toString()).inheritIO().start().waitFor();
    }
  }

  /** Every entry in the cache directory is served with the bytes its name promises. */
  static void assertCacheIntact(Path cacheDir) throws IOException {
    ChunkLoader refuse =
        d -> {
          throw new IOException("entry " + d + " was not served from disk");
        };
    List<Digest> entries = new ArrayList<>();
    try (Stream<Path> files = Files.walk(cacheDir.resolve("sha256"))) {
      files
          .filter(Files::isRegularFile)
          .forEach(f -> entries.add(Digest.parse("sha256:" + f.getFileName())));
    }
    try (ChunkCache cache = ChunkCache.open(cacheDir, 1L << 40)) {
      for (Digest d : entries) {
        ByteBuffer b = cache.get(d, refuse);
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        assertThat(Digest.of(bytes)).as("cache entry %s", d).isEqualTo(d);
      }
      assertThat(cache.stats().corruptEntries()).isZero();
    }
    try (Stream<Path> tmp = Files.list(cacheDir.resolve("tmp"))) {
      assertThat(tmp).as("temp files left in the cache").isEmpty();
    }
  }

  /** Whether /proc/self/mountinfo lists a FUSE filesystem at {@code mp}. */
  static boolean fuseMountAt(Path mp) throws IOException {
    String target = mp.toAbsolutePath().normalize().toString();
    try (InputStream in = Files.newInputStream(Path.of("/proc/self/mountinfo"))) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        String[] f = line.split(" ");
        int dash = List.of(f).indexOf("-");
        if (f.length > 4
            && f[4].replace("\\040", " ").equals(target)
            && dash > 0
            && dash + 1 < f.length
            && f[dash + 1].startsWith("fuse")) {
          return true;
        }
      }
    }
    return false;
  }
}
