package dev.tracefetch.replayer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracefetch.api.files.ReplayFiles;
import dev.tracefetch.api.v1.LayerPlan;
import dev.tracefetch.api.v1.PlannedRange;
import dev.tracefetch.api.v1.ReplayPlan;
import dev.tracefetch.fs.remote.RemoteImage;
import dev.tracefetch.layer.estargz.EstargzChunk;
import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.image.ImageManifest;
import dev.tracefetch.oci.registry.RegistryClient;
import dev.tracefetch.oci.testing.RegistryExtension;
import dev.tracefetch.oci.testing.TestImage;
import dev.tracefetch.oci.testing.TestLayer;
import dev.tracefetch.replayer.control.ControlClient;
import dev.tracefetch.replayer.control.ControlSockets;
import dev.tracefetch.replayer.mount.EstargzImages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/replayer mount} as a process with a replay file: it serves the mount's control socket,
 * {@code bin/replayer stats} reports the discovered plan, the OCI hook launcher reaches it through
 * the root file system, and SIGTERM unmounts and removes the socket.
 */
class MountControlIT {
  @RegisterExtension static final RegistryExtension REGISTRY = RegistryExtension.anonymous();

  private static final Path LAUNCHER = Path.of("..", "bin", "replayer").toAbsolutePath();

  @TempDir Path dir;

  private static Process start(Path log, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(LAUNCHER.toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().put("TRACEFETCH_HOOK_LOG", log.resolveSibling("hook.log").toString());
    return pb.start();
  }

  private static String read(Path p) throws Exception {
    return Files.exists(p) ? Files.readString(p) : "";
  }

  @Test
  void servesControlStatsAndHookAndCleansUpOnSigterm() throws Exception {
    // An eStargz image and a plan for the chunks of one file, so the real engine takes the plan.
    String repo = "cmd/app";
    ImageManifest manifest;
    Digest manifestDigest;
    List<EstargzChunk> planned;
    try (RegistryClient client = REGISTRY.newClient()) {
      TestImage image =
          TestImage.builder()
              .layer(
                  TestLayer.builder()
                      .file("srv/app.js", "console.log(1)\n")
                      .largeFile("srv/big.bin", 40_000, 3)
                      .build())
              .build();
      manifest = EstargzImages.push(client, repo, "v1", image, 8 << 10);
      manifestDigest = client.pullManifest(repo, "v1").digest();
      try (RemoteImage remote =
          RemoteImage.open(client, repo, manifest, Files.createDirectories(dir.resolve("toc")))) {
        planned = remote.estargzIndexes().get(0).lookup("srv/big.bin").orElseThrow().chunks();
      }
    }
    assertThat(planned).hasSizeGreaterThan(1);
    LayerPlan.Builder layer =
        LayerPlan.newBuilder()
            .setLayerIndex(0)
            .setLayerDigest(manifest.layers().get(0).digest().toString());
    for (EstargzChunk c : planned) {
      layer.addRanges(
          PlannedRange.newBuilder()
              .setCompressedOffset(c.compressedOffset())
              .setCompressedLength(c.compressedLength()));
    }
    String reference = REGISTRY.hostPort() + "/" + repo + ":v1";
    Path replay = dir.resolve("app.tfr");
    ReplayFiles.write(
        ReplayPlan.newBuilder()
            .setManifestDigest(manifestDigest.toString())
            .setApp("web")
            .addLayers(layer)
            .build(),
        replay);
    Path mnt = Files.createDirectories(dir.resolve("mnt"));
    Path socketDir = dir.resolve("run");
    Path socket = ControlSockets.forMountPoint(socketDir, mnt);
    Path log = dir.resolve("mount.log");

    Process mount =
        start(
            log,
            "mount",
            reference,
            mnt.toString(),
            "--cache",
            dir.resolve("cache").toString(),
            "--replay",
            replay.toString(),
            "--plan-source",
            "file,layer",
            "--control-socket",
            socket.toString());
    try {
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      String discovery = "";
      while (System.nanoTime() < until && mount.isAlive()) {
        if (Files.exists(socket)) {
          try (ControlClient c = ControlClient.connect(socket)) {
            discovery = c.status(Duration.ofSeconds(30)).getDiscovery();
          }
          if (discovery.startsWith("replay plan") || discovery.startsWith("no replay plan")) {
            break;
          }
        }
        Thread.sleep(100);
      }
      assertThat(discovery).as(read(log)).startsWith("replay plan from file:");
      assertThat(Files.readString(mnt.resolve("srv/app.js"))).isEqualTo("console.log(1)\n");

      Path statsOut = dir.resolve("stats.json");
      Process stats =
          start(statsOut, "stats", mnt.toString(), "--socket-dir", socketDir.toString(), "--json");
      assertThat(stats.waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(stats.exitValue()).as(read(statsOut)).isZero();
      JsonNode json =
          new ObjectMapper()
              .readTree(
                  read(statsOut).lines().filter(l -> l.startsWith("{")).findFirst().orElse("{}"));
      assertThat(json.path("source").asText()).isEqualTo("file:" + replay.toAbsolutePath());
      assertThat(json.path("manifestDigest").asText()).isEqualTo(manifestDigest.toString());
      assertThat(json.path("plannedChunks").asLong()).isEqualTo(planned.size());

      // The hook of a container whose root is the mount reaches this replayer.
      Path bundle = Files.createDirectories(dir.resolve("bundle"));
      Files.writeString(
          bundle.resolve("config.json"),
          "{\"root\":{\"path\":\"" + mnt + "\"},\"annotations\":{\"dev.tracefetch.app\":\"web\"}}");
      Process hook =
          start(dir.resolve("hook-launcher.log"), "hook", "--socket-dir", socketDir.toString());
      hook.getOutputStream()
          .write(
              ("{\"id\":\"ctr-9\",\"bundle\":\"" + bundle + "\"}")
                  .getBytes(StandardCharsets.UTF_8));
      hook.getOutputStream().close();
      assertThat(hook.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(hook.exitValue()).isZero();
      Path hookLog = dir.resolve("hook.log");
      long hookUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      // The replayer logs the request before the detached hook logs the answer.
      while (!(read(log).contains("hook:ctr-9") && read(hookLog).contains("ctr-9"))
          && System.nanoTime() < hookUntil) {
        Thread.sleep(100);
      }
      assertThat(read(log)).as(read(hookLog)).contains("(hook:ctr-9)");
      assertThat(read(hookLog)).contains("container ctr-9: replay requested via " + socket);
    } finally {
      mount.destroy(); // SIGTERM
      assertThat(mount.waitFor(120, TimeUnit.SECONDS)).as(read(log)).isTrue();
    }
    assertThat(socket).as(read(log)).doesNotExist();
    try (var entries = Files.list(mnt)) {
      assertThat(entries).as("unmounted, so the directory is empty again").isEmpty();
    }
  }
}
