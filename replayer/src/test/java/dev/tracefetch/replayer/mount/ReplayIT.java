package dev.tracefetch.replayer.mount;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tracefetch.api.files.ReadLimits;
import dev.tracefetch.api.files.ReplayFiles;
import dev.tracefetch.api.v1.LayerPlan;
import dev.tracefetch.api.v1.PlannedRange;
import dev.tracefetch.api.v1.ReplayPlan;
import dev.tracefetch.fs.cache.CacheListener;
import dev.tracefetch.layer.estargz.EstargzChunk;
import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.image.ImageReference;
import dev.tracefetch.oci.registry.RegistryClient;
import dev.tracefetch.oci.registry.RegistryTimeouts;
import dev.tracefetch.oci.registry.RetryPolicy;
import dev.tracefetch.oci.testing.RegistryExtension;
import dev.tracefetch.oci.testing.TestImage;
import dev.tracefetch.oci.testing.TestLayer;
import dev.tracefetch.replayer.control.ReplayStatus;
import dev.tracefetch.replayer.metrics.MetricsServer;
import dev.tracefetch.replayer.metrics.ReplayMetrics;
import dev.tracefetch.replayer.prefetch.ImageChunks;
import dev.tracefetch.replayer.prefetch.PrefetchSettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replay end to end: an eStargz image with a real program (Debian's static busybox) in Debian's
 * docker-registry, mounted through FUSE, a plan recorded from a first lazy start, then cold starts
 * with that plan replayed by the engine.
 */
class ReplayIT {
  private static final Path BUSYBOX = Path.of("/bin/busybox");
  private static final String REPO = "replay/busybox";
  private static final int CHUNK_SIZE = 16 << 10;
  private static final String SCRIPT =
      "cat /etc/app.conf; wc -c /data/model.bin; head -c 100000 /data/lib.bin | md5sum; echo started";

  @RegisterExtension static final RegistryExtension REGISTRY = RegistryExtension.anonymous();

  @TempDir static Path shared;

  private static ImageReference reference;
  private static String expectedOutput;
  private static ReplayPlan plan;
  private static int plannedChunks;

  @BeforeAll
  static void pushImageAndRecordAPlan() throws Exception {
    assumeTrue(Files.isReadable(Path.of("/dev/fuse")), "/dev/fuse is not available here");
    assumeTrue("root".equals(System.getProperty("user.name")), "needs root for mount/bwrap");
    assumeTrue(Files.isExecutable(BUSYBOX), "busybox-static is not installed");
    byte[] model = new byte[3 << 20];
    new java.util.Random(1).nextBytes(model);
    byte[] lib = new byte[1 << 20];
    new java.util.Random(2).nextBytes(lib);
    TestLayer base =
        TestLayer.builder()
            .file("bin/busybox", Files.readAllBytes(BUSYBOX), 0755)
            .symlink("bin/sh", "busybox")
            .symlink("bin/cat", "busybox")
            .symlink("bin/wc", "busybox")
            .symlink("bin/head", "busybox")
            .symlink("bin/md5sum", "busybox")
            .directory("proc")
            .directory("dev")
            .directory("tmp")
            .file("data/unused.bin", new byte[2 << 20], 0644)
            .build();
    TestLayer app =
        TestLayer.builder()
            .file("etc/app.conf", "port=8080\n")
            .file("data/model.bin", model, 0644)
            .file("data/lib.bin", lib, 0644)
            .file("data/never.bin", lib.clone(), 0600)
            .build();
    TestImage image = TestImage.builder().layer(base).layer(app).build();
    try (RegistryClient client = REGISTRY.server().newClient()) {
      EstargzImages.push(client, REPO, "v1", image, CHUNK_SIZE);
    }
    reference = ImageReference.parse(REGISTRY.hostPort() + "/" + REPO + ":v1");

    // A first, plain lazy start; the chunks its demand reads asked for, in order, are the plan.
    Set<Digest> read = java.util.Collections.synchronizedSet(new LinkedHashSet<>());
    try (LazyImageMount m = mount(shared.resolve("record"), REGISTRY.server().newClient(), null)) {
      CacheListener recorder =
          e -> {
            if (!e.prefetch()) {
              read.add(e.digest());
            }
          };
      m.cache().addListener(recorder);
      expectedOutput = run(m.mountPoint());
      m.cache().removeListener(recorder);
      plan = planOf(m.prefetch().image(), new ArrayList<>(read));
    }
    plannedChunks = read.size();
    assertThat(expectedOutput).contains("port=8080", "3145728 /data/model.bin", "started");
    // The plan also goes through the file format, as `replayer mount --replay FILE` reads it.
    Path file = shared.resolve("busybox.tfr");
    ReplayFiles.write(plan, file);
    plan = ReplayFiles.read(file, ReadLimits.defaults());
  }

  /** Every chunk of the image in blob order: the plan a full prefetch would make. */
  static ReplayPlan planOfAllChunks(ImageChunks image) {
    List<Digest> all = new ArrayList<>();
    for (ImageChunks.Layer l : image.layers()) {
      for (EstargzChunk c : l.chunks()) {
        all.add(c.chunkDigest());
      }
    }
    return planOf(image, all);
  }

  /** One range per chunk read, in the order read (needed_by = position). */
  static ReplayPlan planOf(ImageChunks image, List<Digest> read) {
    Map<Digest, int[]> where = new HashMap<>();
    Map<Digest, EstargzChunk> chunks = new HashMap<>();
    for (ImageChunks.Layer l : image.layers()) {
      for (EstargzChunk c : l.chunks()) {
        chunks.putIfAbsent(c.chunkDigest(), c);
        where.putIfAbsent(c.chunkDigest(), new int[] {l.index()});
      }
    }
    Map<Integer, LayerPlan.Builder> layers = new java.util.TreeMap<>();
    long t = 0;
    for (Digest d : read) {
      EstargzChunk c = chunks.get(d);
      if (c == null) {
        continue;
      }
      int layer = where.get(d)[0];
      layers
          .computeIfAbsent(
              layer,
              i ->
                  LayerPlan.newBuilder()
                      .setLayerIndex(i)
                      .setLayerDigest(image.layers().get(i).digest().toString()))
          .addRanges(
              PlannedRange.newBuilder()
                  .setCompressedOffset(c.compressedOffset())
                  .setCompressedLength(c.compressedLength())
                  .addChunkDigests(d.toString())
                  .setNeededByMicros(t++));
    }
    ReplayPlan.Builder p =
        ReplayPlan.newBuilder().setManifestDigest(image.manifestDigest().toString()).setApp("it");
    layers.values().forEach(p::addLayers);
    return p.build();
  }

  private static LazyImageMount mount(Path dir, RegistryClient client, PrefetchSettings settings)
      throws Exception {
    Path mp = Files.createDirectories(dir.resolve("mnt"));
    LazyImageMount.Settings s =
        new LazyImageMount.Settings(
            Files.createDirectories(dir.resolve("cache")), 256L << 20, Duration.ofSeconds(20));
    return LazyImageMount.open(
        client, reference, mp, s, settings == null ? PrefetchSettings.defaults() : settings);
  }

  /** Runs the program from the mount as the root of a bubblewrap sandbox; returns its output. */
  private static String run(Path root) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(
                "bwrap",
                "--bind",
                root.toString(),
                "/",
                "--proc",
                "/proc",
                "--dev",
                "/dev",
                "--tmpfs",
                "/tmp",
                "--unshare-pid",
                "--die-with-parent",
                "--chdir",
                "/",
                "/bin/sh",
                "-c",
                SCRIPT)
            .redirectErrorStream(true)
            .start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("program did not finish");
    }
    String text = new String(out, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(text).isZero();
    return text;
  }

  @Test
  void withAPlanTheStartReadsAlmostOnlyFromTheCacheAndRequestsAreFarFewerThanChunks()
      throws Exception {
    RegistryClient client = REGISTRY.server().newClient();
    try (LazyImageMount m = mount(shared.resolve("replayed"), client, null)) {
      long before = client.counters().requests();
      m.replay().start(plan, "file:busybox.tfr");
      assertThat(m.prefetch().awaitFinished(Duration.ofSeconds(60))).isTrue();
      long replayRequests = client.counters().requests() - before;
      ReplayStatus replayed = m.replay().status();

      assertThat(run(m.mountPoint())).isEqualTo(expectedOutput);

      ReplayStatus s = m.replay().status();
      ReplayMetrics metrics = m.prefetch().metrics();
      System.out.printf(
          "replay: %d planned chunks, %d prefetched in %d range requests (%d HTTP requests);"
              + " start: %d demand reads, hit ratio %.3f, precision %.3f, recall %.3f%n",
          s.plannedChunks(),
          s.prefetchedChunks(),
          s.requests(),
          replayRequests,
          metrics.demandHits() + metrics.demandJoined() + metrics.demandFetched(),
          s.hitRatio(),
          metrics.precision(),
          metrics.recall());
      assertThat(replayed.state()).isEqualTo(ReplayStatus.State.DONE);
      assertThat(replayed.plannedChunks()).isEqualTo(plannedChunks);
      assertThat(replayed.prefetchedChunks() + replayed.skippedChunks()).isEqualTo(plannedChunks);
      assertThat(replayed.errors()).isZero();
      assertThat(plannedChunks).isGreaterThan(100);
      assertThat(replayRequests).as("coalesced range requests").isLessThan(plannedChunks / 10);
      assertThat(s.hitRatio())
          .as("demand reads served from the cache")
          .isGreaterThanOrEqualTo(0.95);
      assertThat(metrics.recall()).isGreaterThanOrEqualTo(0.95);
      assertThat(metrics.precision()).isGreaterThanOrEqualTo(0.95);
    }
  }

  @Test
  void replayRunningWhileTheProgramStartsGivesTheSameResultAndFinishes() throws Exception {
    try (LazyImageMount m =
        mount(shared.resolve("concurrent"), REGISTRY.server().newClient(), null)) {
      m.replay().start(plan, "file:busybox.tfr");
      assertThat(run(m.mountPoint())).isEqualTo(expectedOutput);
      assertThat(m.prefetch().awaitFinished(Duration.ofSeconds(60))).isTrue();
      ReplayStatus s = m.replay().status();
      System.out.printf(
          "concurrent start: hit ratio %.3f (%d hits, %d misses), %d prefetched, %d skipped%n",
          s.hitRatio(), s.demandHits(), s.demandMisses(), s.prefetchedChunks(), s.skippedChunks());
      assertThat(s.state()).isEqualTo(ReplayStatus.State.DONE);
      assertThat(s.errors()).isZero();
      assertThat(m.prefetch().metrics().demandFailed()).isZero();
    }
  }

  @Test
  void landmarkModeUsesTheSameEngineAndTheImageStillStarts() throws Exception {
    try (LazyImageMount m =
        mount(shared.resolve("landmark"), REGISTRY.server().newClient(), null)) {
      m.prefetch().startLandmarks();
      assertThat(m.prefetch().awaitFinished(Duration.ofSeconds(60))).isTrue();
      // Layers converted without prioritized files have no landmark: nothing to fetch.
      assertThat(m.replay().status().plannedChunks()).isZero();
      assertThat(m.replay().status().state()).isEqualTo(ReplayStatus.State.DONE);
      assertThat(run(m.mountPoint())).isEqualTo(expectedOutput);
    }
  }

  @Test
  void registryStoppedMidReplayTheStartCompletesOnceItIsBackAndTheNodeStaysHealthy()
      throws Exception {
    RegistryClient client =
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
                new RetryPolicy(2, Duration.ofMillis(100), Duration.ofMillis(200), Duration.ZERO))
            .build();
    // Slow, small requests so the replay is still running when the registry goes away.
    PrefetchSettings slow =
        PrefetchSettings.defaults()
            .withConnections(1)
            .withGapBytes(0)
            .withMaxRequestBytes(CHUNK_SIZE)
            .withBandwidth(256 << 10);
    try (LazyImageMount m = mount(shared.resolve("outage"), client, slow);
        MetricsServer metrics =
            MetricsServer.start(
                new InetSocketAddress("127.0.0.1", 0),
                () ->
                    m.prefetch()
                        .metrics()
                        .prometheusText(
                            m.mountPoint().toString(), () -> m.replay().status().state().name()))) {
      m.replay().start(plan, "file:busybox.tfr");
      while (m.replay().status().prefetchedChunks() == 0
          && m.replay().status().state() == ReplayStatus.State.RUNNING) {
        Thread.sleep(10);
      }
      REGISTRY.server().stop();
      try {
        assertThat(m.prefetch().awaitFinished(Duration.ofSeconds(120))).isTrue();
      } finally {
        REGISTRY.server().restart();
      }
      ReplayStatus s = m.replay().status();
      System.out.printf(
          "outage: replay %s after %d prefetched chunks, %d errors (%s)%n",
          s.state(), s.prefetchedChunks(), s.errors(), s.lastError());
      assertThat(s.state()).isIn(ReplayStatus.State.FAILED, ReplayStatus.State.DONE);
      for (ImageChunks.Layer l : m.prefetch().image().layers()) {
        assertThat(l.chunks()).noneMatch(c -> m.cache().isInFlight(c.chunkDigest()));
      }

      assertThat(run(m.mountPoint())).isEqualTo(expectedOutput);
      assertThat(m.isMounted()).isTrue();
      HttpResponse<String> scrape =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(
                              "http://127.0.0.1:" + metrics.address().getPort() + "/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(scrape.statusCode()).isEqualTo(200);
      assertThat(scrape.body())
          .contains(
              "tracefetch_prefetch_errors_total{mount=\"" + m.mountPoint() + "\"} " + s.errors())
          .contains(
              "tracefetch_replay_state{mount=\"" + m.mountPoint() + "\",state=\"" + s.state());
    }
  }

  @Test
  void theRegistryDownWhenTheReplayStartsFailsTheReplayNotTheMount() throws Exception {
    RegistryClient client =
        REGISTRY
            .server()
            .clientBuilder()
            .retryPolicy(
                new RetryPolicy(1, Duration.ofMillis(50), Duration.ofMillis(50), Duration.ZERO))
            .build();
    try (LazyImageMount m = mount(shared.resolve("down"), client, null)) {
      REGISTRY.server().stop();
      try {
        m.replay().start(plan, "file:busybox.tfr");
        assertThat(m.prefetch().awaitFinished(Duration.ofSeconds(120))).isTrue();
      } finally {
        REGISTRY.server().restart();
      }
      ReplayStatus s = m.replay().status();
      assertThat(s.state()).isEqualTo(ReplayStatus.State.FAILED);
      assertThat(s.errors()).isPositive();
      assertThat(s.requests()).isZero();
      assertThat(s.prefetchedChunks()).isZero();
      assertThat(run(m.mountPoint())).isEqualTo(expectedOutput);
    }
  }
}
