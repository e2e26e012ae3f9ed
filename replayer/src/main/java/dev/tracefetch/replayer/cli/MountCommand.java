package dev.tracefetch.replayer.cli;

import dev.tracefetch.api.v1.MountResponse;
import dev.tracefetch.cli.DurationConverter;
import dev.tracefetch.cli.ExitCodes;
import dev.tracefetch.fs.cache.ChunkCache;
import dev.tracefetch.oci.image.ImageReference;
import dev.tracefetch.replayer.control.ControlException;
import dev.tracefetch.replayer.control.ControlUnavailableException;
import dev.tracefetch.replayer.daemon.DaemonClient;
import dev.tracefetch.replayer.daemon.MountRequests;
import dev.tracefetch.replayer.metrics.CacheMetrics;
import dev.tracefetch.replayer.metrics.MetricsServer;
import dev.tracefetch.replayer.session.MountSession;
import dev.tracefetch.replayer.session.MountSpec;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code replayer mount}: mounts an image lazily in the foreground until SIGINT/SIGTERM (or until
 * the mount is released from outside), then unmounts cleanly; with {@code --daemon} asks the node
 * daemon to serve the mount instead and exits once it is up.
 */
@Command(
    name = "mount",
    mixinStandardHelpOptions = true,
    description = {
      "Mount IMAGE lazily at MOUNTPOINT (read-only) and serve it until SIGINT/SIGTERM.",
      "Only manifests, configs and eStargz TOCs are read at mount time; file data is fetched",
      "chunk by chunk on first read into a content-addressed cache shared by all mounts.",
      "With --daemon the node daemon ('replayer daemon') serves the mount and this command",
      "exits 0 once it is up (the cache, registry and metrics options are then the daemon's)."
    })
final class MountCommand implements Callable<Integer> {
  @Spec CommandSpec commandSpec;

  @Parameters(
      index = "0",
      paramLabel = "IMAGE",
      description = "Image reference, e.g. host:5000/app:tag.")
  String image;

  @Parameters(index = "1", paramLabel = "MOUNTPOINT", description = "Existing empty directory.")
  Path mountPoint;

  @Mixin CacheAndRegistryOptions node = new CacheAndRegistryOptions();

  @Option(
      names = "--fetch-timeout",
      paramLabel = "DURATION",
      description =
          "A read that cannot be served within this fails with EIO (default: ${DEFAULT-VALUE}).",
      defaultValue = "30s",
      converter = DurationConverter.class)
  Duration fetchTimeout;

  @Option(
      names = "--daemon",
      description = "Let the node daemon at /run/tracefetch/replayer.sock serve the mount.")
  boolean daemon;

  @Option(
      names = "--daemon-socket",
      paramLabel = "PATH",
      description = "Let the node daemon at PATH serve the mount (implies --daemon).")
  Path daemonSocket;

  @Mixin PrefetchOptions prefetch = new PrefetchOptions();

  @Mixin PlanSourceOptions planSources;

  @Mixin RecordOptions recordOptions = new RecordOptions();

  @Override
  public Integer call() throws Exception {
    MountSpec spec;
    try {
      spec =
          new MountSpec(
              ImageReference.parse(image),
              mountPoint,
              fetchTimeout,
              prefetch.mode(),
              prefetch.settings(),
              planSources.query(),
              planSources.storeTimeout,
              planSources.controlSocket,
              !planSources.noReplayAtMount,
              recordOptions.settings(planSources.app, planSources.storeUrl, planSources.token()));
    } catch (IllegalArgumentException e) {
      commandSpec.commandLine().getErr().println("replayer mount: " + e.getMessage());
      return ExitCodes.USAGE;
    }
    if (viaDaemon()) {
      return viaDaemon(
          spec,
          daemonSocket != null ? daemonSocket : DaemonClient.DEFAULT_SOCKET,
          commandSpec.commandLine().getErr());
    }
    // Before the mount, so a SIGINT/SIGTERM while the image is resolved, mounted or its control
    // socket started (gRPC start-up takes seconds on a busy node) still unmounts and exits 0.
    StopSignals stop = StopSignals.install();
    MountSession session =
        MountSession.open(
            spec,
            node.client(spec.reference()),
            node.cacheDir,
            node.cacheSize,
            null,
            line -> System.err.println("replayer: " + line),
            System.err,
            UnaryOperator.identity());
    // Again once the mount is up: libfuse may have taken the signals while mounting.
    stop.reinstall();
    MetricsServer metrics;
    try {
      ChunkCache cache = session.mount().cache();
      metrics =
          prefetch.startMetrics(
              () ->
                  session.prometheusText()
                      + CacheMetrics.prometheusText(cache.directory().toString(), cache.stats()),
              System.err);
    } catch (Exception e) {
      session.close();
      throw e;
    }
    CountDownLatch released = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              try {
                release(session, metrics);
              } catch (Exception e) {
                System.err.println("replayer mount: " + e.getMessage());
              } finally {
                released.countDown();
              }
            },
            "replayer-unmount");
    Runtime.getRuntime().addShutdownHook(hook);
    System.err.printf(
        "mounted %s (%s) at %s; Ctrl-C or 'replayer umount %s' to release%n",
        spec.reference(), session.manifest().digest(), session.mountPoint(), session.mountPoint());
    while (session.isMounted() && released.getCount() > 0 && !stop.await(1, TimeUnit.SECONDS)) {
      // Serve until SIGINT/SIGTERM, an exit that runs the hook, or a release from outside.
    }
    if (released.getCount() > 0) {
      Runtime.getRuntime().removeShutdownHook(hook);
      if (stop.received() != null) {
        System.err.printf("%s: unmounting %s%n", stop.received(), session.mountPoint());
      }
      release(session, metrics);
    }
    return ExitCodes.OK;
  }

  private static void release(MountSession session, MetricsServer metrics) throws Exception {
    try (session) {
      if (metrics != null) {
        metrics.close();
      }
    }
  }

  /** Whether the node daemon serves this mount (the command only sends the request). */
  boolean viaDaemon() {
    return daemon || daemonSocket != null;
  }

  private static int viaDaemon(MountSpec spec, Path socket, PrintWriter err) {
    try (DaemonClient client = DaemonClient.connect(socket)) {
      MountResponse r =
          client.mount(
              MountRequests.toProto(spec), spec.fetchTimeout().plus(Duration.ofSeconds(90)));
      err.printf(
          "mounted %s (%s) at %s via the replayer daemon at %s; 'replayer umount %s' to"
              + " release%n",
          spec.reference(), r.getManifestDigest(), r.getMountPoint(), socket, r.getMountPoint());
      return ExitCodes.OK;
    } catch (ControlException e) {
      err.println("replayer mount: " + e.getMessage());
      if (e instanceof ControlUnavailableException) {
        err.println(
            "replayer mount: start the node daemon first: replayer daemon --socket " + socket);
      }
      return 1;
    }
  }
}
