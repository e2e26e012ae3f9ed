package dev.tracefetch.replayer.session;

import dev.tracefetch.fs.cache.ChunkCache;
import dev.tracefetch.fs.fuse.MountException;
import dev.tracefetch.fs.image.InvalidImageException;
import dev.tracefetch.fs.ops.FileSystemOperations;
import dev.tracefetch.oci.image.ImageFormatException;
import dev.tracefetch.oci.image.ImageReference;
import dev.tracefetch.oci.image.RawManifest;
import dev.tracefetch.oci.registry.RegistryClient;
import dev.tracefetch.recorder.runtime.RuntimeRecording;
import dev.tracefetch.replayer.control.ControlSockets;
import dev.tracefetch.replayer.control.ImageMismatchException;
import dev.tracefetch.replayer.control.ReplayCoordinator;
import dev.tracefetch.replayer.control.ReplayRuntime;
import dev.tracefetch.replayer.discovery.MountedImage;
import dev.tracefetch.replayer.discovery.PlanDiscovery;
import dev.tracefetch.replayer.mount.LazyImageMount;
import dev.tracefetch.replayer.prefetch.PrefetchEngine;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * One served mount with everything that lives as long as it: the lazy mount and its prefetch
 * engine, plan discovery and the control socket, runtime recording. The foreground {@code replayer
 * mount} holds one; the node daemon holds one per mount, on its shared cache.
 *
 * <p>The replay starts as early as possible: once the image's TOCs are read and the engine exists,
 * the prefetch mode is started and plan discovery is queued, before the FUSE mount comes up (no
 * plan source needs the mounted tree). The control socket is served once the mount is up.
 */
public final class MountSession implements AutoCloseable {
  private final MountSpec spec;
  private final LazyImageMount mount;
  private final ReplayRuntime runtime;
  private final Optional<RuntimeRecording> recording;

  private MountSession(
      MountSpec spec,
      LazyImageMount mount,
      ReplayRuntime runtime,
      Optional<RuntimeRecording> recording) {
    this.spec = spec;
    this.mount = mount;
    this.runtime = runtime;
    this.recording = recording;
  }

  /**
   * Mounts {@code spec} and starts everything it asks for. Nothing is left behind on failure.
   *
   * @param client a client for the image's registry; closed with the session
   * @param cacheDir where an own cache lives (ignored when {@code shared} is set)
   * @param cacheSize its size
   * @param shared a node daemon's cache, or null for an own one
   * @param log one line per event (plan discovery, refusals)
   * @param err where recording reports
   * @param decorator applied to the filesystem under FUSE after recording (tests); identity else
   */
  public static MountSession open(
      MountSpec spec,
      RegistryClient client,
      Path cacheDir,
      long cacheSize,
      ChunkCache shared,
      Consumer<String> log,
      PrintStream err,
      UnaryOperator<FileSystemOperations> decorator)
      throws IOException, InvalidImageException, MountException {
    Optional<RuntimeRecording> recording =
        Optional.ofNullable(spec.record())
            .map(s -> new RuntimeRecording(s, ThreadLocalRandom.current().nextDouble(), err));
    UnaryOperator<FileSystemOperations> recorder =
        recording.map(RuntimeRecording::decorator).orElse(UnaryOperator.identity());
    AtomicReference<ReplayCoordinator> coordinator = new AtomicReference<>();
    // On failure the mount closes the client.
    LazyImageMount mount =
        LazyImageMount.open(
            client,
            spec.reference(),
            spec.mountPoint(),
            new LazyImageMount.Settings(cacheDir, cacheSize, spec.fetchTimeout()),
            shared,
            spec.prefetch(),
            fs -> decorator.apply(recorder.apply(fs)),
            (engine, reference, manifest) -> {
              ReplayCoordinator c = startReplay(spec, client, engine, reference, manifest, log);
              coordinator.set(c);
              return c;
            });
    try {
      Path socket =
          spec.controlSocket() != null
              ? spec.controlSocket()
              : ControlSockets.forMountPoint(ControlSockets.DEFAULT_DIR, spec.mountPoint());
      ReplayRuntime runtime = ReplayRuntime.serve(coordinator.get(), socket);
      try {
        if (recording.isPresent()) {
          recording.get().start(spec.reference().toString(), mount.manifest());
        }
      } catch (IOException | RuntimeException e) {
        runtime.close();
        throw e;
      }
      return new MountSession(spec, mount, runtime, recording);
    } catch (IOException | RuntimeException e) {
      try {
        mount.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /** Before the FUSE mount: starts the prefetch mode and, in plan mode, plan discovery. */
  private static ReplayCoordinator startReplay(
      MountSpec spec,
      RegistryClient client,
      PrefetchEngine engine,
      ImageReference reference,
      RawManifest manifest,
      Consumer<String> log)
      throws IOException {
    MountedImage image;
    try {
      image = MountedImage.of(reference, manifest);
    } catch (ImageFormatException e) {
      throw new IOException("the manifest of " + reference + " does not parse: " + e.getMessage());
    }
    ReplayCoordinator coordinator =
        new ReplayCoordinator(
            image,
            spec.mountPoint(),
            engine,
            PlanDiscovery.standard(client, spec.storeTimeout()),
            spec.query(),
            log);
    try {
      switch (spec.mode()) {
        case NONE -> {}
        case LANDMARK -> engine.startLandmarks();
        case ALL -> engine.startEverything();
        case PLAN -> {
          if (spec.replayAtMount()) {
            coordinator.start(ReplayCoordinator.StartRequest.defaults("mount"));
          }
        }
      }
    } catch (IllegalArgumentException e) {
      log.accept("not prefetching (the mount stays lazy): " + e.getMessage());
    } catch (ImageMismatchException e) {
      throw new IllegalStateException("a request without an image cannot mismatch", e);
    }
    return coordinator;
  }

  public MountSpec spec() {
    return spec;
  }

  public LazyImageMount mount() {
    return mount;
  }

  public Path mountPoint() {
    return mount.mountPoint();
  }

  public RawManifest manifest() {
    return mount.manifest();
  }

  /** The control socket serving this mount. */
  public Path controlSocket() {
    return runtime.socket();
  }

  /** False once the kernel mount is gone (closed here, or unmounted from outside). */
  public boolean isMounted() {
    return mount.isMounted();
  }

  /** This mount's series in the Prometheus text format, labelled with its mount point. */
  public String prometheusText() {
    return mount
        .prefetch()
        .metrics()
        .prometheusText(
            mount.mountPoint().toString(), () -> mount.replay().status().state().name());
  }

  /** Finishes recording, stops the control socket and discovery, and unmounts. */
  @Override
  public void close() throws IOException {
    try (mount) {
      recording.ifPresent(r -> r.finish(false));
      runtime.close();
    }
  }
}
