package dev.tracefetch.replayer.mount;

import dev.tracefetch.fs.cache.ChunkCache;
import dev.tracefetch.fs.fuse.MountException;
import dev.tracefetch.fs.image.InvalidImageException;
import dev.tracefetch.fs.ops.FileSystemOperations;
import dev.tracefetch.fs.remote.RegistryImageMount;
import dev.tracefetch.oci.image.ImageReference;
import dev.tracefetch.oci.image.RawManifest;
import dev.tracefetch.oci.registry.RegistryClient;
import dev.tracefetch.replayer.control.ReplayControl;
import dev.tracefetch.replayer.metrics.ReplayMetrics;
import dev.tracefetch.replayer.prefetch.ImageChunks;
import dev.tracefetch.replayer.prefetch.PrefetchEngine;
import dev.tracefetch.replayer.prefetch.PrefetchSettings;
import dev.tracefetch.replayer.prefetch.RegistryRangeSource;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * One image mounted lazily on this node with its prefetch engine: the registry mount (client,
 * shared chunk cache, remote image, FUSE mount; see {@link RegistryImageMount}) plus the engine
 * that replays plans into the same cache, owned together so that closing cancels the replay,
 * unmounts and releases everything in reverse order.
 */
public final class LazyImageMount implements AutoCloseable {
  private final RegistryImageMount mounted;
  private final ChunkCache cache;
  private final PrefetchEngine prefetch;

  private LazyImageMount(RegistryImageMount mounted, ChunkCache cache, PrefetchEngine prefetch) {
    this.mounted = mounted;
    this.cache = cache;
    this.prefetch = prefetch;
  }

  /** What a mount needs besides the image: where the cache lives and how long a read may wait. */
  public record Settings(Path cacheDir, long cacheSizeBytes, Duration fetchTimeout) {
    public Settings {
      Objects.requireNonNull(cacheDir, "cacheDir");
      Objects.requireNonNull(fetchTimeout, "fetchTimeout");
      if (cacheSizeBytes <= 0) {
        throw new IllegalArgumentException("cache size must be > 0, got " + cacheSizeBytes);
      }
    }

    RegistryImageMount.Settings forMount() {
      return new RegistryImageMount.Settings(cacheDir, cacheSizeBytes, fetchTimeout);
    }
  }

  /**
   * Resolves {@code reference} (following an index to the host platform), reads the layers' TOCs
   * and mounts the merged image at {@code mountPoint}. Nothing is left behind on failure.
   *
   * @param client a client for the reference's registry; closed with this mount
   */
  public static LazyImageMount open(
      RegistryClient client, ImageReference reference, Path mountPoint, Settings settings)
      throws IOException, InvalidImageException, MountException {
    return open(client, reference, mountPoint, settings, PrefetchSettings.defaults());
  }

  /**
   * Like {@link #open(RegistryClient, ImageReference, Path, Settings)}, with the prefetch engine
   * tuned by {@code prefetchSettings}. The engine is idle until a replay is started through {@link
   * #replay()}.
   */
  public static LazyImageMount open(
      RegistryClient client,
      ImageReference reference,
      Path mountPoint,
      Settings settings,
      PrefetchSettings prefetchSettings)
      throws IOException, InvalidImageException, MountException {
    return open(
        client, reference, mountPoint, settings, prefetchSettings, UnaryOperator.identity());
  }

  /** As above, with {@code decorator} between the filesystem and FUSE (e.g. recording). */
  public static LazyImageMount open(
      RegistryClient client,
      ImageReference reference,
      Path mountPoint,
      Settings settings,
      PrefetchSettings prefetchSettings,
      UnaryOperator<FileSystemOperations> decorator)
      throws IOException, InvalidImageException, MountException {
    return open(
        client,
        reference,
        mountPoint,
        settings,
        null,
        prefetchSettings,
        decorator,
        (engine, ref, manifest) -> () -> {});
  }

  /**
   * Work started as soon as the image's TOCs are read and the prefetch engine exists, before the
   * FUSE mount comes up (starting the replay early); what it returns is closed before the engine,
   * when the mount is released or fails to come up.
   */
  @FunctionalInterface
  public interface BeforeMount {
    AutoCloseable start(PrefetchEngine engine, ImageReference reference, RawManifest manifest)
        throws IOException;
  }

  /**
   * The general form: with {@code sharedCache} non-null the mount uses that cache (a node daemon's,
   * not closed here; the settings' cache directory and size are then ignored), else it opens its
   * own; {@code beforeMount} runs after the TOCs are read and before the FUSE mount.
   */
  public static LazyImageMount open(
      RegistryClient client,
      ImageReference reference,
      Path mountPoint,
      Settings settings,
      ChunkCache sharedCache,
      PrefetchSettings prefetchSettings,
      UnaryOperator<FileSystemOperations> decorator,
      BeforeMount beforeMount)
      throws IOException, InvalidImageException, MountException {
    AtomicReference<PrefetchEngine> engine = new AtomicReference<>();
    AtomicReference<ChunkCache> cache = new AtomicReference<>();
    RegistryImageMount.Companion companion =
        parts -> {
          // Started before the mount, so the engine's cache listener sees every demand read.
          PrefetchEngine e =
              new PrefetchEngine(
                  ImageChunks.of(
                      parts.manifest().digest(),
                      parts.imageManifest().layers(),
                      parts.image().estargzIndexes()),
                  new RegistryRangeSource(
                      parts.client(), reference.repository(), parts.imageManifest().layers()),
                  parts.cache(),
                  // A read that joins a prefetch request waits no longer than its own fetch.
                  prefetchSettings.withRequestTimeout(settings.fetchTimeout()),
                  new ReplayMetrics(),
                  sharedCache != null);
          e.suspendsWhileReplaying(parts.readAhead());
          engine.set(e);
          cache.set(parts.cache());
          AutoCloseable started;
          try {
            started = beforeMount.start(e, reference, parts.manifest());
          } catch (IOException | RuntimeException x) {
            e.close();
            throw x;
          }
          return () -> {
            try (e) {
              started.close();
            }
          };
        };
    RegistryImageMount mounted =
        sharedCache == null
            ? RegistryImageMount.open(
                client, reference, mountPoint, settings.forMount(), decorator, companion)
            : RegistryImageMount.openOnSharedCache(
                client,
                reference,
                mountPoint,
                sharedCache,
                settings.fetchTimeout(),
                decorator,
                companion);
    return new LazyImageMount(mounted, cache.get(), engine.get());
  }

  public ImageReference reference() {
    return mounted.reference();
  }

  /** The exact manifest that is mounted (after following an index). */
  public RawManifest manifest() {
    return mounted.manifest();
  }

  public Path mountPoint() {
    return mounted.mountPoint();
  }

  public ChunkCache cache() {
    return cache;
  }

  /**
   * Starts, cancels and observes replays for this mount (what the control API and the hook use).
   * Start a plan with {@code replay().start(plan, source)}; with no plan the mount stays plainly
   * lazy.
   */
  public ReplayControl replay() {
    return prefetch;
  }

  /** The engine behind {@link #replay()}: landmark and prefetch-all modes, metrics. */
  public PrefetchEngine prefetch() {
    return prefetch;
  }

  /** False once the kernel mount is gone (closed here, or unmounted from outside). */
  public boolean isMounted() {
    return mounted.isMounted();
  }

  @Override
  public void close() throws IOException {
    mounted.close();
  }
}
