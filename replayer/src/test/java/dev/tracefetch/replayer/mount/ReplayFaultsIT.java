package dev.tracefetch.replayer.mount;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tracefetch.api.v1.ReplayPlan;
import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.image.ImageReference;
import dev.tracefetch.oci.registry.RegistryClient;
import dev.tracefetch.oci.testing.FaultProxy;
import dev.tracefetch.oci.testing.FaultProxy.Fault;
import dev.tracefetch.oci.testing.RegistryExtension;
import dev.tracefetch.oci.testing.TestImage;
import dev.tracefetch.oci.testing.TestLayer;
import dev.tracefetch.replayer.control.ReplayStatus;
import dev.tracefetch.replayer.prefetch.PrefetchSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A replay against a registry that answers 5xx or 429, stalls, or cuts its answers (through {@link
 * FaultProxy}): the replay ends (failed, errors counted) instead of hanging, the mount stays up and
 * serves the right bytes once the registry is back, a new replay then completes, and the cache
 * holds only intact entries. (The registry process stopped mid-replay is {@link ReplayIT}.)
 */
class ReplayFaultsIT {
  private static final String REPO = "faults/replay";

  @RegisterExtension static final RegistryExtension REGISTRY = RegistryExtension.anonymous();

  private static byte[] data;

  @TempDir Path work;

  @BeforeAll
  static void push() throws Exception {
    data = new byte[2 << 20];
    new Random(9).nextBytes(data);
    TestImage image =
        TestImage.builder()
            .layer(TestLayer.builder().file("data/app.bin", data, 0644).build())
            .build();
    try (RegistryClient client = REGISTRY.newClient()) {
      EstargzImages.push(client, REPO, "v1", image, 64 << 10);
    }
  }

  static Stream<Arguments> faults() {
    return Stream.of(
        Arguments.of("503", Fault.status(503)),
        Arguments.of("429, Retry-After 1 h", Fault.tooManyRequests(Duration.ofHours(1))),
        Arguments.of("stall", Fault.stall()),
        Arguments.of("body cut after 1000 bytes", Fault.cutBodyAfter(1000)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("faults")
  void aFailingRegistryEndsTheReplayNotTheMountAndAReplayAfterItsRecoveryCompletes(
      String name, Fault fault) throws Exception {
    assumeTrue(Files.isReadable(Path.of("/dev/fuse")), "/dev/fuse is not available here");
    Path cache = work.resolve("cache");
    try (FaultProxy proxy = FaultProxy.start(REGISTRY.server())) {
      RegistryClient client = proxy.impatientClient();
      try (LazyImageMount m =
          LazyImageMount.open(
              client,
              ImageReference.parse(proxy.hostPort() + "/" + REPO + ":v1"),
              Files.createDirectories(work.resolve("mnt")),
              new LazyImageMount.Settings(cache, 256L << 20, Duration.ofSeconds(5)),
              PrefetchSettings.defaults())) {
        ReplayPlan plan = ReplayIT.planOfAllChunks(m.prefetch().image());
        proxy.inject(fault, FaultProxy.BLOB_REQUESTS);
        m.replay().start(plan, "faulty");
        assertThat(m.prefetch().awaitFinished(Duration.ofSeconds(90)))
            .as("the replay ends although the registry fails")
            .isTrue();
        ReplayStatus failed = m.replay().status();
        assertThat(failed.state()).isEqualTo(ReplayStatus.State.FAILED);
        assertThat(failed.errors()).isPositive();
        if (name.startsWith("body cut")) {
          // Chunks are delivered while their range arrives: those wholly inside the bytes that
          // came before the cut are verified and kept, the rest are not.
          assertThat(failed.prefetchedChunks()).isLessThan(failed.plannedChunks());
        } else {
          assertThat(failed.prefetchedChunks()).isZero();
        }
        assertThat(m.isMounted()).isTrue();

        proxy.heal();
        assertThat(Digest.of(Files.readAllBytes(m.mountPoint().resolve("data/app.bin"))))
            .isEqualTo(Digest.of(data));
        m.replay().start(plan, "healed");
        assertThat(m.prefetch().awaitFinished(Duration.ofSeconds(90))).isTrue();
        ReplayStatus done = m.replay().status();
        assertThat(done.state()).isEqualTo(ReplayStatus.State.DONE);
        assertThat(done.errors()).isZero();
        assertThat(m.cache().stats().corruptEntries()).isZero();
      }
    }
    CacheContents.assertIntact(cache);
  }
}
