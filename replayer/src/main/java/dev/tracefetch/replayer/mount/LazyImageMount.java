package dev.tracefetch.replayer.mount;

import dev.tracefetch.fs.cache.ChunkCache;
import dev.tracefetch.fs.cache.ChunkCacheOptions;
import dev.tracefetch.fs.fuse.Mount;
import dev.tracefetch.fs.fuse.MountException;
import dev.tracefetch.fs.fuse.MountOptions;
import dev.tracefetch.fs.image.InvalidImageException;
import dev.tracefetch.fs.lazy.ImageFileSystem;
import dev.tracefetch.fs.lazy.TimeLimitedChunkSource;
import dev.tracefetch.fs.ops.FileSystemOperations;
import dev.tracefetch.fs.remote.LayerDownloadOptions;
import dev.tracefetch.fs.remote.RemoteImage;
import dev.tracefetch.oci.image.ImageManifest;
import dev.tracefetch.oci.image.ImageReference;
import dev.tracefetch.oci.image.Platform;
import dev.tracefetch.oci.image.RawManifest;
import dev.tracefetch.oci.registry.RegistryClient;
import dev.tracefetch.replayer.control.ReplayControl;
import dev.tracefetch.replayer.metrics.ReplayMetrics;
import dev.tracefetch.replayer.prefetch.ImageChunks;
import dev.tracefetch.replayer.prefetch.PrefetchEngine;
import dev.tracefetch.replayer.prefetch.PrefetchSettings;
import dev.tracefetch.replayer.prefetch.RegistryRangeSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * One image mounted lazily on this node: the registry client, the shared chunk cache, the remote
 * image (manifests and TOCs only) and the FUSE mount, owned together so that closing releases all
 * of them in reverse order. This is the object the replayer will attach prefetch and recording to.
 */
public final class LazyImageMount implements AutoCloseable {
  private final ImageReference reference;
  private final RawManifest manifest;
  private final Mount mount;
  private final ChunkCache cache;
  private final PrefetchEngine prefetch;
  private final Deque<AutoCloseable> resources;

  private LazyImageMount(
      ImageReference reference,
      RawManifest manifest,
      Mount mount,
      ChunkCache cache,
      PrefetchEngine prefetch,
      Deque<AutoCloseable> resources) {
    this.reference = reference;
    this.manifest = manifest;
    this.mount = mount;
    this.cache = cache;
    this.prefetch = prefetch;
    this.resources = resources;
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
    Deque<AutoCloseable> resources = new ArrayDeque<>();
    resources.push(client);
    try {
      RawManifest raw =
          client
              .imageStore(reference.repository())
              .resolveImage(reference.reference(), Platform.host());
      ImageManifest manifest = (ImageManifest) raw.parse();
      ChunkCache cache =
          ChunkCache.open(
              settings.cacheDir(), ChunkCacheOptions.ofDiskLimit(settings.cacheSizeBytes()));
      resources.push(cache);
      Path workDir = Files.createTempDirectory(settings.cacheDir(), ".layers-");
      resources.push(() -> deleteTree(workDir));
      RemoteImage image =
          RemoteImage.open(
              client,
              reference.repository(),
              manifest,
              workDir,
              LayerDownloadOptions.defaults().withStallTimeout(settings.fetchTimeout()));
      resources.push(image);
      TimeLimitedChunkSource source =
          new TimeLimitedChunkSource(image.source(), settings.fetchTimeout());
      resources.push(source);
      // Before the mount, so the engine's cache listener sees every demand read.
      PrefetchEngine prefetch =
          new PrefetchEngine(
              ImageChunks.of(raw.digest(), manifest.layers(), image.estargzIndexes()),
              new RegistryRangeSource(client, reference.repository(), manifest.layers()),
              cache,
              // A read that joins a prefetch request waits no longer than its own fetch would.
              prefetchSettings.withRequestTimeout(settings.fetchTimeout()),
              new ReplayMetrics());
      resources.push(prefetch);
      ImageFileSystem fs = new ImageFileSystem(image.lazyTree(), source, cache);
      Mount mount =
          Mount.mount(
              decorator.apply(fs),
              mountPoint,
              MountOptions.defaults().withFsName("tracefetch:" + reference.repository()));
      resources.push(mount);
      // Released first: a replay must not outlive the mount it warms.
      resources.push(prefetch::cancel);
      return new LazyImageMount(reference, raw, mount, cache, prefetch, resources);
    } catch (Exception e) {
      closeAll(resources, e);
      throw e;
    }
  }

  public ImageReference reference() {
    return reference;
  }

  /** The exact manifest that is mounted (after following an index). */
  public RawManifest manifest() {
    return manifest;
  }

  public Path mountPoint() {
    return mount.mountPoint();
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
    return mount.isMounted();
  }

  @Override
  public void close() throws IOException {
    IOException failure = new IOException("releasing the mount at " + mount.mountPoint());
    closeAll(resources, failure);
    if (failure.getSuppressed().length > 0) {
      throw failure;
    }
  }

  private static void closeAll(Deque<AutoCloseable> resources, Exception failure) {
    while (!resources.isEmpty()) {
      try {
        resources.pop().close();
      } catch (Exception e) {
        failure.addSuppressed(e);
      }
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
