package dev.tracefetch.fs.remote;

import dev.tracefetch.fs.cache.ChunkCache;
import dev.tracefetch.fs.cache.ChunkCacheOptions;
import dev.tracefetch.fs.fuse.Mount;
import dev.tracefetch.fs.fuse.MountException;
import dev.tracefetch.fs.fuse.MountOptions;
import dev.tracefetch.fs.image.InvalidImageException;
import dev.tracefetch.fs.image.MergedTree;
import dev.tracefetch.fs.lazy.ChunkReadAhead;
import dev.tracefetch.fs.lazy.ChunkReader;
import dev.tracefetch.fs.lazy.ImageFileSystem;
import dev.tracefetch.fs.lazy.LazyTree;
import dev.tracefetch.fs.lazy.TimeLimitedChunkSource;
import dev.tracefetch.fs.ops.FileSystemOperations;
import dev.tracefetch.oci.image.ImageConfig;
import dev.tracefetch.oci.image.ImageManifest;
import dev.tracefetch.oci.image.ImageReference;
import dev.tracefetch.oci.image.Platform;
import dev.tracefetch.oci.image.RawManifest;
import dev.tracefetch.oci.registry.RegistryClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * A registry image mounted lazily together with everything the mount needs (registry client, chunk
 * cache, remote image, FUSE mount), owned as one unit so that closing releases all of it in reverse
 * order. It exists so that every tool that runs something on a lazy image (the recorder's sandbox,
 * runtime recording) assembles the mount the same way, with an optional decorator (for example an
 * {@link dev.tracefetch.fs.hooks.AccessRecorder}) between the filesystem and FUSE.
 */
public final class RegistryImageMount implements AutoCloseable {
  private final ImageReference reference;
  private final RawManifest manifest;
  private final ImageConfig config;
  private final LazyTree tree;
  private final Mount mount;
  private final Deque<AutoCloseable> resources;

  private RegistryImageMount(
      ImageReference reference,
      RawManifest manifest,
      ImageConfig config,
      LazyTree tree,
      Mount mount,
      Deque<AutoCloseable> resources) {
    this.reference = reference;
    this.manifest = manifest;
    this.config = config;
    this.tree = tree;
    this.mount = mount;
    this.resources = resources;
  }

  /** Where the cache lives, how big it may grow and how long one read may wait for the registry. */
  public record Settings(Path cacheDir, long cacheSizeBytes, Duration fetchTimeout) {
    public Settings {
      Objects.requireNonNull(cacheDir, "cacheDir");
      Objects.requireNonNull(fetchTimeout, "fetchTimeout");
      if (cacheSizeBytes <= 0) {
        throw new IllegalArgumentException("cache size must be > 0, got " + cacheSizeBytes);
      }
    }
  }

  /** What a {@link Companion} is started with: the image and cache the mount is about to serve. */
  public record Parts(
      RegistryClient client,
      ImageReference reference,
      RawManifest manifest,
      ImageManifest imageManifest,
      RemoteImage image,
      ChunkCache cache,
      ChunkReadAhead readAhead) {}

  /**
   * Something that works alongside the mount (a prefetch engine): started after the image is read
   * and before the filesystem is mounted, so it sees every demand read; closed first when the mount
   * is released, before the unmount, so it never outlives the mount it serves.
   */
  @FunctionalInterface
  public interface Companion {
    AutoCloseable start(Parts parts) throws IOException;
  }

  /**
   * Resolves {@code reference} (following an index to the host platform), reads the image config
   * and the layers' TOCs, and mounts the merged image at {@code mountPoint} with {@code decorator}
   * applied to the filesystem. Nothing is left behind on failure.
   *
   * @param client a client for the reference's registry; closed with this mount
   */
  public static RegistryImageMount open(
      RegistryClient client,
      ImageReference reference,
      Path mountPoint,
      Settings settings,
      UnaryOperator<FileSystemOperations> decorator)
      throws IOException, InvalidImageException, MountException {
    return open(client, reference, mountPoint, settings, decorator, parts -> () -> {});
  }

  /** As above, with {@code companion} started before the mount and closed before the unmount. */
  public static RegistryImageMount open(
      RegistryClient client,
      ImageReference reference,
      Path mountPoint,
      Settings settings,
      UnaryOperator<FileSystemOperations> decorator,
      Companion companion)
      throws IOException, InvalidImageException, MountException {
    return open(client, reference, mountPoint, null, settings, decorator, companion);
  }

  /**
   * As above, but on {@code sharedCache}, a cache that outlives this mount (a node daemon's one
   * cache for all its mounts): the mount uses it and never closes it. The settings' cache directory
   * and size are ignored; layer work files go below the shared cache's directory.
   */
  public static RegistryImageMount openOnSharedCache(
      RegistryClient client,
      ImageReference reference,
      Path mountPoint,
      ChunkCache sharedCache,
      Duration fetchTimeout,
      UnaryOperator<FileSystemOperations> decorator,
      Companion companion)
      throws IOException, InvalidImageException, MountException {
    Objects.requireNonNull(sharedCache, "sharedCache");
    return open(
        client,
        reference,
        mountPoint,
        sharedCache,
        new Settings(sharedCache.directory(), Long.MAX_VALUE, fetchTimeout),
        decorator,
        companion);
  }

  private static RegistryImageMount open(
      RegistryClient client,
      ImageReference reference,
      Path mountPoint,
      ChunkCache sharedCache,
      Settings settings,
      UnaryOperator<FileSystemOperations> decorator,
      Companion companion)
      throws IOException, InvalidImageException, MountException {
    Deque<AutoCloseable> resources = new ArrayDeque<>();
    resources.push(client);
    try {
      RawManifest raw =
          client
              .imageStore(reference.repository())
              .resolveImage(reference.reference(), Platform.host());
      ImageManifest manifest = (ImageManifest) raw.parse();
      ImageConfig config;
      try (InputStream in = client.fetchBlob(reference.repository(), manifest.config())) {
        config = ImageConfig.parse(in.readAllBytes());
      }
      ChunkCache cache = sharedCache;
      if (cache == null) {
        cache =
            ChunkCache.open(
                settings.cacheDir(),
                ChunkCacheOptions.ofDiskLimit(settings.cacheSizeBytes())
                    .withBackgroundStores(ChunkCacheOptions.DEFAULT_BACKGROUND_STORES));
        resources.push(cache);
      }
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
      ChunkReader reader = new ChunkReader(source, cache);
      ChunkReadAhead readAhead = ChunkReadAhead.withDefaults(reader);
      AutoCloseable started =
          companion.start(new Parts(client, reference, raw, manifest, image, cache, readAhead));
      resources.push(started);
      FileSystemOperations fs =
          decorator.apply(new ImageFileSystem(image.lazyTree(), reader, readAhead));
      Mount mount =
          Mount.mount(
              fs,
              mountPoint,
              MountOptions.defaults().withFsName("tracefetch:" + reference.repository()));
      resources.push(mount);
      // Released first: the companion must not outlive the mount it serves.
      resources.remove(started);
      resources.push(started);
      return new RegistryImageMount(reference, raw, config, image.lazyTree(), mount, resources);
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

  /** The image's layers in manifest order, as mounted. */
  public ImageManifest imageManifest() {
    try {
      return (ImageManifest) manifest.parse();
    } catch (IOException e) {
      throw new IllegalStateException("manifest parsed at mount time no longer parses", e);
    }
  }

  /** The image configuration (env, entrypoint, cmd, working dir, user). */
  public ImageConfig config() {
    return config;
  }

  /** The tree as the mount serves it (resolved on first access for layers that are not eStargz). */
  public LazyTree lazyTree() {
    return tree;
  }

  /** The merged tree that is mounted; may download layers that are not eStargz first. */
  public MergedTree tree() throws IOException {
    return tree.get();
  }

  public Path mountPoint() {
    return mount.mountPoint();
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
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
