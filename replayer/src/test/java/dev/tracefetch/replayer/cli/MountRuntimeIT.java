package dev.tracefetch.replayer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracefetch.api.files.ReplayFiles;
import dev.tracefetch.api.v1.ReplayerStatus;
import dev.tracefetch.oci.image.ImageReference;
import dev.tracefetch.oci.registry.RegistryClient;
import dev.tracefetch.oci.testing.PushedImage;
import dev.tracefetch.oci.testing.RegistryExtension;
import dev.tracefetch.oci.testing.TestImage;
import dev.tracefetch.oci.testing.TestLayer;
import dev.tracefetch.replayer.control.ControlClient;
import dev.tracefetch.replayer.control.NoEngineReplayControl;
import dev.tracefetch.replayer.control.ReplayRuntime;
import dev.tracefetch.replayer.discovery.MountedImage;
import dev.tracefetch.replayer.discovery.TestPlans;
import dev.tracefetch.replayer.mount.LazyImageMount;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real lazy mount (FUSE, real registry) with the mount command's plan options: at mount time the
 * replay file is discovered and handed to the engine, the control socket answers for the mount, and
 * releasing the runtime removes the socket.
 */
class MountRuntimeIT {
  @RegisterExtension static final RegistryExtension REGISTRY = RegistryExtension.anonymous();

  @TempDir Path dir;

  @Test
  void mountDiscoversTheReplayFileAndServesItsControlSocket() throws Exception {
    PushedImage pushed;
    try (RegistryClient pusher = REGISTRY.newClient()) {
      pushed =
          TestImage.builder()
              .layer(TestLayer.builder().file("app/main.py", "print('hi')\n").build())
              .build()
              .push(pusher, "mnt/app", "v1");
    }
    ImageReference ref = ImageReference.parse(pushed.reference());
    Path mnt = Files.createDirectories(dir.resolve("mnt"));
    RegistryClient client = REGISTRY.newClient();
    try (LazyImageMount mount =
        LazyImageMount.open(
            client,
            ref,
            mnt,
            new LazyImageMount.Settings(
                Files.createDirectories(dir.resolve("cache")), 1L << 30, Duration.ofSeconds(30)))) {
      assertThat(Files.readString(mnt.resolve("app/main.py"))).isEqualTo("print('hi')\n");
      MountedImage image = MountedImage.of(ref, mount.manifest());
      Path replay = dir.resolve("app.tfr");
      ReplayFiles.write(TestPlans.planFor(image, "web", 3), replay);

      PlanSourceOptions options = new PlanSourceOptions();
      options.replayFile = replay;
      options.planSourceOrder = "file,layer,referrer";
      options.storeTimeout = Duration.ofSeconds(5);
      options.controlSocket = dir.resolve("run/mnt.sock");
      ReplayRuntime runtime = options.start(client, mount, new NoEngineReplayControl(), true);
      try (ControlClient control = ControlClient.connect(runtime.socket())) {
        ReplayerStatus status = awaitDiscovery(control);
        assertThat(status.getSource()).isEqualTo("file:" + replay.toAbsolutePath());
        assertThat(status.getDiscovery()).startsWith("replay plan from file:");
        assertThat(status.getPlannedChunks()).isEqualTo(2);
        assertThat(status.getManifestDigest()).isEqualTo(pushed.manifestDigest().toString());
        assertThat(status.getMountPoint()).isEqualTo(mount.mountPoint().toString());
        assertThat(status.getLastError()).contains("no prefetch engine");
      } finally {
        runtime.close();
      }
      assertThat(runtime.socket()).doesNotExist();
      assertThat(mount.isMounted()).isTrue();
    }
  }

  private static ReplayerStatus awaitDiscovery(ControlClient control) throws Exception {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    ReplayerStatus s = control.status(Duration.ofSeconds(30));
    while (!s.getDiscovery().startsWith("replay plan")
        && !s.getDiscovery().startsWith("no replay plan")
        && System.nanoTime() < until) {
      Thread.sleep(50);
      s = control.status(Duration.ofSeconds(30));
    }
    return s;
  }
}
