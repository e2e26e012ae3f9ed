package dev.tracefetch.replayer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracefetch.api.files.ReplayFiles;
import dev.tracefetch.oci.image.ImageReference;
import dev.tracefetch.oci.registry.RegistryClient;
import dev.tracefetch.oci.testing.PushedImage;
import dev.tracefetch.oci.testing.RegistryExtension;
import dev.tracefetch.oci.testing.TestImage;
import dev.tracefetch.oci.testing.TestLayer;
import dev.tracefetch.replayer.control.ControlClient;
import dev.tracefetch.replayer.control.ControlSockets;
import dev.tracefetch.replayer.discovery.MountedImage;
import dev.tracefetch.replayer.discovery.TestPlans;
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
class MountCommandIT {
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
    PushedImage pushed;
    try (RegistryClient client = REGISTRY.newClient()) {
      pushed =
          TestImage.builder()
              .layer(TestLayer.builder().file("srv/app.js", "console.log(1)\n").build())
              .build()
              .push(client, "cmd/app", "v1");
    }
    MountedImage image =
        MountedImage.of(ImageReference.parse(pushed.reference()), pushed.manifest());
    Path replay = dir.resolve("app.tfr");
    ReplayFiles.write(TestPlans.planFor(image, "web", 2), replay);
    Path mnt = Files.createDirectories(dir.resolve("mnt"));
    Path socketDir = dir.resolve("run");
    Path socket = ControlSockets.forMountPoint(socketDir, mnt);
    Path log = dir.resolve("mount.log");

    Process mount =
        start(
            log,
            "mount",
            pushed.reference(),
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
      assertThat(json.path("manifestDigest").asText())
          .isEqualTo(pushed.manifestDigest().toString());
      assertThat(json.path("plannedChunks").asLong()).isEqualTo(2);

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
