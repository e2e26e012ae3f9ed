package dev.tracefetch.replayer.hook;

import dev.tracefetch.api.files.ReplayArtifacts;
import dev.tracefetch.api.v1.ReplayerStatus;
import dev.tracefetch.api.v1.StartReplayRequest;
import dev.tracefetch.api.v1.StartReplayResponse;
import dev.tracefetch.fs.fuse.MountTable;
import dev.tracefetch.replayer.control.ControlClient;
import dev.tracefetch.replayer.control.ControlException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The OCI {@code createRuntime} hook's work: from the container state and bundle, find the image's
 * app and the replayer serving the root file system, and ask it (with a short deadline, without
 * waiting for discovery) to start replaying. It never throws: whatever goes wrong, the container
 * must start, so every failure becomes a message for the log.
 */
public final class ReplayHook {
  /** Sockets asked for their image when the root file system does not lead to one. */
  static final int MAX_SOCKETS_PROBED = 32;

  /**
   * @param socketDir directory of control sockets
   * @param controlSocket a socket to use instead of looking one up, or null
   * @param deadline limit of each control call
   * @param mountinfo the mount table to read ({@code /proc/self/mountinfo})
   */
  public record Settings(Path socketDir, Path controlSocket, Duration deadline, Path mountinfo) {
    public Settings {
      Objects.requireNonNull(socketDir, "socketDir");
      Objects.requireNonNull(deadline, "deadline");
      Objects.requireNonNull(mountinfo, "mountinfo");
    }
  }

  /**
   * What the hook did.
   *
   * @param triggered whether a replayer accepted the start request
   * @param message one line for the log, naming the container
   */
  public record Outcome(boolean triggered, String message) {}

  private final Settings settings;

  public ReplayHook(Settings settings) {
    this.settings = settings;
  }

  /** Handles the state the runtime wrote to stdin. */
  public Outcome run(byte[] stateJson) {
    ContainerState state;
    try {
      state = ContainerState.parse(stateJson);
    } catch (HookInputException e) {
      return new Outcome(false, "ignored: " + e.getMessage());
    }
    String who = "container " + state.id();
    try {
      BundleConfig config = BundleConfig.read(state.bundle());
      Map<String, String> annotations = new HashMap<>(state.annotations());
      annotations.putAll(config.annotations());
      String app = annotations.get(ReplayArtifacts.APP_ANNOTATION);
      String image =
          Optional.ofNullable(annotations.get(ReplayArtifacts.IMAGE_ANNOTATION))
              .orElse(annotations.get(ReplayArtifacts.OCI_IMAGE_NAME_ANNOTATION));
      Optional<Path> socket = locate(config.root(), image);
      if (socket.isEmpty()) {
        return new Outcome(
            false,
            who
                + ": no replayer serves its root file system "
                + config.root()
                + (image == null ? "" : " or image " + image)
                + "; nothing to replay");
      }
      StartReplayRequest.Builder request =
          StartReplayRequest.newBuilder().setRequester("hook:" + state.id());
      if (app != null) {
        request.setApp(app);
      }
      if (image != null) {
        request.setImage(image);
      }
      try (ControlClient client = ControlClient.connect(socket.get())) {
        StartReplayResponse response = client.start(request.build(), settings.deadline());
        return new Outcome(
            response.getAccepted(),
            who
                + ": replay requested via "
                + socket.get()
                + (app == null ? "" : " for app " + app)
                + ": "
                + response.getMessage());
      }
    } catch (IOException | RuntimeException e) {
      return new Outcome(false, who + ": " + e.getMessage());
    }
  }

  private Optional<Path> locate(Path rootfs, String image) throws IOException {
    if (settings.controlSocket() != null) {
      return Optional.of(settings.controlSocket());
    }
    MountTable mounts;
    try {
      mounts = MountTable.read(settings.mountinfo());
    } catch (IOException e) {
      mounts = MountTable.parse("");
    }
    Optional<ControlSocketFinder.Found> byPath =
        new ControlSocketFinder(settings.socketDir()).find(rootfs, mounts);
    if (byPath.isPresent()) {
      return Optional.of(byPath.get().socket());
    }
    return image == null ? Optional.empty() : byImage(image);
  }

  /** Asks each socket in the directory which image it serves; the first match wins. */
  private Optional<Path> byImage(String image) {
    if (!Files.isDirectory(settings.socketDir())) {
      return Optional.empty();
    }
    int probed = 0;
    try (DirectoryStream<Path> sockets = Files.newDirectoryStream(settings.socketDir(), "*.sock")) {
      for (Path socket : sockets) {
        if (++probed > MAX_SOCKETS_PROBED) {
          break;
        }
        try (ControlClient client = ControlClient.connect(socket)) {
          ReplayerStatus s = client.status(settings.deadline());
          if (matches(image, s)) {
            return Optional.of(socket);
          }
        } catch (ControlException e) {
          // A stale socket or a busy replayer: try the next one.
        }
      }
    } catch (IOException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  static boolean matches(String image, ReplayerStatus s) {
    String wanted = image.strip();
    return wanted.equals(s.getImageReference())
        || wanted.equals(s.getManifestDigest())
        || (!s.getManifestDigest().isEmpty() && wanted.endsWith("@" + s.getManifestDigest()));
  }
}
