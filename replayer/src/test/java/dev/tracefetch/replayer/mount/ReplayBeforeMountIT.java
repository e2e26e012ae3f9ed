package dev.tracefetch.replayer.mount;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tracefetch.api.files.ReplayFiles;
import dev.tracefetch.api.v1.ReplayPlan;
import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.image.ImageReference;
import dev.tracefetch.oci.registry.RegistryClient;
import dev.tracefetch.oci.testing.RegistryExtension;
import dev.tracefetch.oci.testing.TestImage;
import dev.tracefetch.oci.testing.TestLayer;
import dev.tracefetch.replayer.control.ReplayStatus;
import dev.tracefetch.replayer.discovery.PlanQuery;
import dev.tracefetch.replayer.discovery.PlanSource;
import dev.tracefetch.replayer.prefetch.PrefetchMode;
import dev.tracefetch.replayer.prefetch.PrefetchSettings;
import dev.tracefetch.replayer.session.MountSession;
import dev.tracefetch.replayer.session.MountSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replay starts before the FUSE mount comes up: plan discovery (here from a replay file) and
 * the prefetch of the plan it finds are under way while the filesystem is still being handed to
 * FUSE, so a container's first reads find prefetched chunks. Observed from the filesystem
 * decorator, which {@link MountSession} applies after the {@link LazyImageMount.BeforeMount} work
 * started and before mounting.
 */
class ReplayBeforeMountIT {
  private static final String REPO = "early/app";
  private static final int CHUNK = 64 << 10;

  @RegisterExtension static final RegistryExtension REGISTRY = RegistryExtension.anonymous();

  private static byte[] data;
  private static ImageReference reference;

  @TempDir Path work;

  @BeforeAll
  static void push() throws Exception {
    data = new byte[1 << 20];
    new Random(5).nextBytes(data);
    TestImage image =
        TestImage.builder()
            .layer(TestLayer.builder().file("data/app.bin", data, 0644).build())
            .build();
    try (RegistryClient client = REGISTRY.newClient()) {
      EstargzImages.push(client, REPO, "v1", image, CHUNK);
    }
    reference = ImageReference.parse(REGISTRY.hostPort() + "/" + REPO + ":v1");
  }

  @Test
  void planDiscoveryAndTheReplayStartBeforeTheFuseMount() throws Exception {
    assumeTrue(Files.isReadable(Path.of("/dev/fuse")), "/dev/fuse is not available here");
    Path replayFile = work.resolve("app.tfr");
    int chunks;
    try (LazyImageMount plain =
        LazyImageMount.open(
            REGISTRY.newClient(),
            reference,
            Files.createDirectories(work.resolve("plain")),
            new LazyImageMount.Settings(work.resolve("plain-cache"), 64L << 20, SECONDS_30))) {
      ReplayPlan plan = ReplayIT.planOfAllChunks(plain.prefetch().image());
      ReplayFiles.write(plan, replayFile);
      chunks = plain.prefetch().image().layers().get(0).chunks().size();
    }

    Path mp = Files.createDirectories(work.resolve("mnt"));
    Path cache = work.resolve("cache");
    List<String> log = new CopyOnWriteArrayList<>();
    AtomicBoolean mountedWhenReplaying = new AtomicBoolean(true);
    AtomicInteger entriesBeforeMount = new AtomicInteger(-1);
    MountSpec spec =
        new MountSpec(
            reference,
            mp,
            SECONDS_30,
            PrefetchMode.PLAN,
            PrefetchSettings.defaults(),
            new PlanQuery(List.of(PlanSource.FILE), replayFile, null, null, null),
            Duration.ofSeconds(5),
            work.resolve("control.sock"),
            true,
            null);
    try (MountSession session =
        MountSession.open(
            spec,
            REGISTRY.newClient(),
            cache,
            64L << 20,
            null,
            log::add,
            System.err,
            fs -> {
              // Runs just before the FUSE mount: discovery must have found the plan by now and
              // the engine must be fetching it into the cache.
              long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
              try {
                while ((log.stream().noneMatch(l -> l.startsWith("replay plan from file:"))
                        || CacheContents.entryFiles(cache).isEmpty())
                    && System.nanoTime() < deadline) {
                  Thread.sleep(20);
                }
                entriesBeforeMount.set(CacheContents.entryFiles(cache).size());
                mountedWhenReplaying.set(fuseMountAt(mp));
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return fs;
            })) {
      assertThat(log)
          .as("discovery log before the mount came up")
          .anyMatch(l -> l.startsWith("replay plan from file:" + replayFile));
      assertThat(entriesBeforeMount.get()).as("chunks prefetched before the mount").isPositive();
      assertThat(mountedWhenReplaying.get()).as("FUSE mount up while replaying").isFalse();
      assertThat(fuseMountAt(mp)).isTrue();

      assertThat(session.mount().prefetch().awaitFinished(Duration.ofSeconds(60))).isTrue();
      ReplayStatus status = session.mount().replay().status();
      assertThat(status.state()).isEqualTo(ReplayStatus.State.DONE);
      assertThat(status.source()).isEqualTo("file:" + replayFile);
      assertThat(status.prefetchedChunks() + status.skippedChunks()).isEqualTo(chunks);
      assertThat(Digest.of(Files.readAllBytes(mp.resolve("data/app.bin"))))
          .isEqualTo(Digest.of(data));
    }
    assertThat(fuseMountAt(mp)).isFalse();
  }

  @Test
  void aFailingBeforeMountStepLeavesNoMountAndClosesWhatItStarted() throws Exception {
    assumeTrue(Files.isReadable(Path.of("/dev/fuse")), "/dev/fuse is not available here");
    Path mp = Files.createDirectories(work.resolve("mnt"));
    AtomicBoolean sawEngine = new AtomicBoolean();
    assertThatThrownBy(
            () ->
                LazyImageMount.open(
                    REGISTRY.newClient(),
                    reference,
                    mp,
                    new LazyImageMount.Settings(work.resolve("cache"), 64L << 20, SECONDS_30),
                    null,
                    PrefetchSettings.defaults(),
                    fs -> fs,
                    (engine, ref, manifest) -> {
                      sawEngine.set(engine != null && ref.toString().equals(reference.toString()));
                      throw new IOException("discovery could not start");
                    }))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("discovery could not start");
    assertThat(sawEngine).isTrue();
    assertThat(fuseMountAt(mp)).isFalse();
    assertThat(mp).isEmptyDirectory();

    // What the step returns is closed when the mount is released, before the engine.
    AtomicBoolean closedWhileMounted = new AtomicBoolean();
    AtomicInteger closes = new AtomicInteger();
    LazyImageMount m =
        LazyImageMount.open(
            REGISTRY.newClient(),
            reference,
            mp,
            new LazyImageMount.Settings(work.resolve("cache"), 64L << 20, SECONDS_30),
            null,
            PrefetchSettings.defaults(),
            fs -> fs,
            (engine, ref, manifest) ->
                () -> {
                  closes.incrementAndGet();
                  closedWhileMounted.set(fuseMountAt(mp));
                });
    assertThat(closes).hasValue(0);
    m.close();
    assertThat(closes).hasValue(1);
    assertThat(closedWhileMounted).as("released before the unmount").isTrue();
    assertThat(fuseMountAt(mp)).isFalse();
  }

  private static final Duration SECONDS_30 = Duration.ofSeconds(30);

  /** Whether the mount table lists a FUSE filesystem at {@code mp}. */
  private static boolean fuseMountAt(Path mp) throws IOException {
    String target = " " + mp.toAbsolutePath().normalize() + " ";
    return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
        .anyMatch(l -> l.contains(target) && l.contains(" - fuse"));
  }
}
