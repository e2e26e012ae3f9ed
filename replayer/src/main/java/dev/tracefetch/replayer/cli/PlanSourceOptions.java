package dev.tracefetch.replayer.cli;

import dev.tracefetch.cli.DurationConverter;
import dev.tracefetch.oci.image.ImageFormatException;
import dev.tracefetch.oci.registry.RegistryClient;
import dev.tracefetch.replayer.control.ControlSockets;
import dev.tracefetch.replayer.control.ReplayControl;
import dev.tracefetch.replayer.control.ReplayRuntime;
import dev.tracefetch.replayer.discovery.MountedImage;
import dev.tracefetch.replayer.discovery.PlanDiscovery;
import dev.tracefetch.replayer.discovery.PlanQuery;
import dev.tracefetch.replayer.discovery.PlanSource;
import dev.tracefetch.replayer.mount.LazyImageMount;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The {@code mount} options that say where the replay plan comes from and where the mount's control
 * socket lives. A picocli mixin of its own so that the runtime integration stays out of the shared
 * mount command.
 */
public final class PlanSourceOptions {
  @Option(
      names = "--replay",
      paramLabel = "FILE",
      description = "Replay plan file on this node (plan source 'file').")
  Path replayFile;

  @Option(
      names = "--store",
      paramLabel = "URL",
      description =
          "Trace store base URL, e.g. http://store:8080 (plan source 'store', needs --app).")
  URI storeUrl;

  @Option(
      names = "--app",
      paramLabel = "NAME",
      description = "Application name: selects the store's plan and the referrer artifact.")
  String app;

  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      description = "Trace store API token (default: $TRACEFETCH_STORE_TOKEN).",
      defaultValue = "${env:TRACEFETCH_STORE_TOKEN}")
  String token;

  @Option(
      names = "--plan-source",
      paramLabel = "ORDER",
      description =
          "Plan sources to try, in order (default: ${DEFAULT-VALUE}); no plan means a plain lazy"
              + " mount.",
      defaultValue = "file,layer,referrer,store")
  String planSourceOrder;

  @Option(
      names = "--store-timeout",
      paramLabel = "DURATION",
      description = "Time limit of one trace store request (default: ${DEFAULT-VALUE}).",
      defaultValue = "5s",
      converter = DurationConverter.class)
  Duration storeTimeout;

  @Option(
      names = "--control-socket",
      paramLabel = "PATH",
      description =
          "Control socket of this mount (default: /run/tracefetch/<hash of MOUNTPOINT>.sock).")
  Path controlSocket;

  @Option(
      names = "--no-replay-at-mount",
      description = "Look for a plan only when asked (OCI hook, control API), not at mount time.")
  boolean noReplayAtMount;

  /**
   * The plan settings; fails with a message naming the bad option.
   *
   * @throws IllegalArgumentException on an invalid order, URL or app name
   */
  PlanQuery query() {
    List<PlanSource> order = PlanSource.parseOrder(planSourceOrder);
    return new PlanQuery(order, replayFile, storeUrl, app, token());
  }

  /** The store token; none when empty (a forwarded command without one sends an empty value). */
  String token() {
    return token == null || token.isBlank() ? null : token;
  }

  /** The control socket of the mount at {@code mountPoint}. */
  Path controlSocket(Path mountPoint) {
    return controlSocket != null
        ? controlSocket
        : ControlSockets.forMountPoint(ControlSockets.DEFAULT_DIR, mountPoint);
  }

  /**
   * Serves the control socket of {@code mount} and, unless {@code --no-replay-at-mount}, starts
   * looking for a plan; progress and refusals are logged to stderr.
   */
  ReplayRuntime start(
      RegistryClient client, LazyImageMount mount, ReplayControl control, boolean lookForPlan)
      throws IOException, ImageFormatException {
    MountedImage image = MountedImage.of(mount.reference(), mount.manifest());
    Path mountPoint = mount.mountPoint();
    return ReplayRuntime.start(
        image,
        mountPoint,
        control,
        PlanDiscovery.standard(client, storeTimeout),
        query(),
        controlSocket(mountPoint),
        lookForPlan && !noReplayAtMount,
        line -> System.err.println("replayer: " + line));
  }
}
