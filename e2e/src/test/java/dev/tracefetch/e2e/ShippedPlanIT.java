package dev.tracefetch.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tracefetch.api.v1.ReplayerStatus;
import dev.tracefetch.builder.cli.TraceLayerBuilderCommand;
import dev.tracefetch.cli.Cli;
import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.registry.RegistryClient;
import dev.tracefetch.oci.testing.RegistryExtension;
import dev.tracefetch.recorder.cli.RecordTraceCommand;
import dev.tracefetch.recorder.session.Preflight;
import dev.tracefetch.recorder.testing.BusyboxImages;
import dev.tracefetch.replayer.cli.ReplayerCommand;
import dev.tracefetch.replayer.control.ControlClient;
import dev.tracefetch.replayer.control.ControlException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node pipeline across modules, with each tool's own command line: {@code record-trace} records
 * a real start, {@code trace-layer-builder} ships the plan with the image (as a referrer artifact,
 * then as a trace top layer), and {@code replayer mount} finds it by itself, prefetches it, and
 * serves the start's reads from the cache. Each module tests its part; this proves the parts agree
 * on the contract between them (artifact type, annotations, layer path, digests).
 */
class ShippedPlanIT {
  @RegisterExtension static final RegistryExtension REGISTRY = RegistryExtension.anonymous();

  private static final String APP = "e2e-web";
  private static String image;
  private static Path trace;

  @TempDir static Path shared;
  @TempDir Path dir;

  @BeforeAll
  static void recordAStart() throws Exception {
    assumeTrue(Files.isExecutable(BusyboxImages.BUSYBOX), "busybox-static is not installed");
    assumeTrue(Preflight.problems().isEmpty(), () -> "cannot record here: " + Preflight.problems());
    try (RegistryClient client = REGISTRY.newClient()) {
      image =
          BusyboxImages.push(
              client,
              REGISTRY.hostPort(),
              "e2e/app",
              BusyboxImages.image(
                  "sh", "-c", "cat /a /b && head -c 600000 /data/big.bin | cat >/dev/null"));
    }
    trace = shared.resolve("start.trace");
    int exit =
        Cli.execute(
            new RecordTraceCommand(),
            "--image",
            image,
            "--app",
            APP,
            "--grace",
            "0s",
            "--out",
            trace.toString());
    assertThat(exit).as("record-trace exit code").isZero();
  }

  @Test
  void anAttachedPlanIsFoundByTheImageDigestAndServesTheStartFromTheCache() throws Exception {
    Digest before = manifestDigest("v1");
    assertThat(
            Cli.execute(
                new TraceLayerBuilderCommand(),
                "attach",
                "--image",
                image,
                "--trace",
                trace.toString()))
        .isZero();
    assertThat(manifestDigest("v1")).as("attach leaves the image unchanged").isEqualTo(before);

    ReplayerStatus status = mountAndReplay(image, "referrer", "a", "b");
    assertThat(status.getSource()).startsWith("referrer:");
  }

  @Test
  void aTraceTopLayerIsFoundInTheImageItself() throws Exception {
    String traced = REGISTRY.hostPort() + "/e2e/app:traced";
    assertThat(
            Cli.execute(
                new TraceLayerBuilderCommand(),
                "build-layer",
                "--image",
                image,
                "--trace",
                trace.toString(),
                "--push",
                traced))
        .isZero();

    ReplayerStatus status = mountAndReplay(traced, "layer", "a", "b");
    assertThat(status.getSource()).startsWith("layer:");
  }

  /**
   * Mounts {@code ref} with only {@code source} as plan source, waits for the replay to finish,
   * reads the start's files and returns the final status (asserting that the reads were hits).
   */
  private ReplayerStatus mountAndReplay(String ref, String source, String... files)
      throws Exception {
    Path mp = Files.createDirectories(dir.resolve("mnt"));
    Path socket = dir.resolve("control.sock");
    CompletableFuture<Integer> mount =
        CompletableFuture.supplyAsync(
            () ->
                Cli.execute(
                    new ReplayerCommand(),
                    "mount",
                    ref,
                    mp.toString(),
                    "--cache",
                    dir.resolve("cache").toString(),
                    "--app",
                    APP,
                    "--plan-source",
                    source,
                    "--control-socket",
                    socket.toString()));
    try {
      ReplayerStatus status = awaitReplayDone(socket, mount);
      assertThat(status.getState()).as(status.toString()).isEqualTo(ReplayerStatus.State.DONE);
      assertThat(status.getPlannedChunks()).isPositive();
      assertThat(status.getPrefetchedChunks()).isEqualTo(status.getPlannedChunks());
      assertThat(status.getErrors()).isZero();

      for (String f : files) {
        assertThat(Files.readString(mp.resolve(f))).isEqualTo(f.toUpperCase() + "\n");
      }
      try (InputStream in = Files.newInputStream(mp.resolve("data/big.bin"))) {
        assertThat(in.readNBytes(600_000)).hasSize(600_000);
      }
      try (ControlClient c = ControlClient.connect(socket)) {
        ReplayerStatus after = c.status(Duration.ofSeconds(30));
        assertThat(after.getDemandMisses()).as("reads the plan covered were fetched").isZero();
        assertThat(after.getDemandHits()).isPositive();
        return after;
      }
    } finally {
      Cli.execute(new ReplayerCommand(), "umount", mp.toString());
      assertThat(mount.get(60, TimeUnit.SECONDS)).isZero();
    }
  }

  private static ReplayerStatus awaitReplayDone(Path socket, CompletableFuture<Integer> mount)
      throws Exception {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    ReplayerStatus last = null;
    while (System.nanoTime() < until) {
      assertThat(mount).as("mount command ended early").isNotDone();
      if (Files.exists(socket)) {
        try (ControlClient c = ControlClient.connect(socket)) {
          last = c.status(Duration.ofSeconds(30));
          if (last.getState() != ReplayerStatus.State.RUNNING
              && last.getState() != ReplayerStatus.State.IDLE) {
            return last;
          }
          if (last.getDiscovery().startsWith("no replay plan")) {
            return last;
          }
        } catch (ControlException e) {
          // the socket appeared but is not serving yet
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("replay did not finish in time; last status: " + last);
  }

  private static Digest manifestDigest(String tag) throws Exception {
    try (RegistryClient client = REGISTRY.newClient()) {
      return client.pullManifest("e2e/app", tag).digest();
    }
  }
}
