package dev.tracefetch.replayer.cli;

import dev.tracefetch.cli.DurationConverter;
import dev.tracefetch.cli.ExitCodes;
import dev.tracefetch.oci.image.ImageReference;
import dev.tracefetch.oci.registry.RegistryClient;
import dev.tracefetch.recorder.runtime.RuntimeRecording;
import dev.tracefetch.replayer.control.ReplayRuntime;
import dev.tracefetch.replayer.mount.LazyImageMount;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code replayer mount}: mounts an image lazily in the foreground until SIGINT/SIGTERM (or until
 * the mount is released from outside), then unmounts cleanly.
 */
@Command(
    name = "mount",
    mixinStandardHelpOptions = true,
    description = {
      "Mount IMAGE lazily at MOUNTPOINT (read-only) and serve it until SIGINT/SIGTERM.",
      "Only manifests, configs and eStargz TOCs are read at mount time; file data is fetched",
      "chunk by chunk on first read into a content-addressed cache shared by all mounts."
    })
final class MountCommand implements Callable<Integer> {
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

  @Mixin PrefetchOptions prefetch = new PrefetchOptions();

  @Mixin PlanSourceOptions planSources;

  @Mixin RecordOptions recordOptions = new RecordOptions();

  @Override
  public Integer call() throws Exception {
    ImageReference reference;
    try {
      reference = ImageReference.parse(image);
      planSources.query();
    } catch (IllegalArgumentException e) {
      System.err.println("replayer mount: " + e.getMessage());
      return ExitCodes.USAGE;
    }
    Optional<RuntimeRecording> recording;
    try {
      recording = recordOptions.recording(planSources.app, planSources.storeUrl, planSources.token);
    } catch (IllegalArgumentException e) {
      System.err.println("replayer mount: " + e.getMessage());
      return ExitCodes.USAGE;
    }
    RegistryClient client = node.client(reference);
    LazyImageMount mount =
        LazyImageMount.open(
            client,
            reference,
            mountPoint,
            new LazyImageMount.Settings(node.cacheDir, node.cacheSize, fetchTimeout),
            prefetch.settings(),
            recording.map(RuntimeRecording::decorator).orElse(UnaryOperator.identity()));
    // At once after the mount is up (libfuse took the signals while mounting), before the slower
    // start of metrics and plan discovery, so an early SIGTERM still unmounts and exits 0.
    StopSignals stop = StopSignals.install();
    AutoCloseable metrics;
    ReplayRuntime runtime;
    try {
      metrics = prefetch.start(mount, System.err);
      if (recording.isPresent()) {
        recording.get().start(reference.toString(), mount.manifest());
      }
      // Plans are looked for (file, trace layer, referrer, store) only in plan mode; the control
      // socket is served in every mode.
      runtime =
          planSources.start(
              client, mount, mount.replay(), prefetch.mode() == PrefetchOptions.Mode.PLAN);
    } catch (Exception e) {
      mount.close();
      throw e;
    }
    CountDownLatch released = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              try (mount) {
                recording.ifPresent(r -> r.finish(false));
                runtime.close();
                if (metrics != null) {
                  metrics.close();
                }
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
        reference, mount.manifest().digest(), mount.mountPoint(), mount.mountPoint());
    while (mount.isMounted() && released.getCount() > 0 && !stop.await(1, TimeUnit.SECONDS)) {
      // Serve until SIGINT/SIGTERM, an exit that runs the hook, or a release from outside.
    }
    if (released.getCount() > 0) {
      Runtime.getRuntime().removeShutdownHook(hook);
      if (stop.received() != null) {
        System.err.printf("%s: unmounting %s%n", stop.received(), mount.mountPoint());
      }
      try (mount) {
        recording.ifPresent(r -> r.finish(false));
        runtime.close();
        if (metrics != null) {
          metrics.close();
        }
      }
    }
    return ExitCodes.OK;
  }
}
