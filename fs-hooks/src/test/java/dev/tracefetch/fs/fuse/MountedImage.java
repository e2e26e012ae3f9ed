package dev.tracefetch.fs.fuse;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tracefetch.fs.cache.ChunkCache;
import dev.tracefetch.fs.lazy.ImageFileSystem;
import dev.tracefetch.fs.local.LocalImage;
import dev.tracefetch.fs.ops.FileSystemOperations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * A local image mounted through real FUSE for a test. {@link #close} always releases the mount
 * (lazily if something still holds it), then the cache and the layer files.
 */
final class MountedImage implements AutoCloseable {
  final LocalImage image;
  final ChunkCache cache;
  final FileSystemOperations ops;
  final Mount mount;

  private MountedImage(LocalImage image, ChunkCache cache, FileSystemOperations ops, Mount mount) {
    this.image = image;
    this.cache = cache;
    this.ops = ops;
    this.mount = mount;
  }

  /** FUSE needs /dev/fuse; skip cleanly where the machine has none. */
  static void assumeFuse() {
    assumeTrue(Files.isReadable(Path.of("/dev/fuse")), "/dev/fuse is not available here");
  }

  static MountedImage mount(LocalImage image, Path work, MountOptions options) throws Exception {
    return mount(image, work, options, fs -> fs);
  }

  /** Mounts {@code image}; {@code decorate} may wrap the filesystem (e.g. with a recorder). */
  static MountedImage mount(
      LocalImage image,
      Path work,
      MountOptions options,
      Function<FileSystemOperations, FileSystemOperations> decorate)
      throws Exception {
    assumeFuse();
    ChunkCache cache = ChunkCache.open(work.resolve("cache"), 256L << 20);
    try {
      FileSystemOperations ops =
          decorate.apply(new ImageFileSystem(image.tree(), image.source(), cache));
      Path mp = Files.createDirectories(work.resolve("mnt"));
      return new MountedImage(image, cache, ops, Mount.mount(ops, mp, options));
    } catch (Exception | Error e) {
      cache.close();
      image.close();
      throw e;
    }
  }

  Path root() {
    return mount.mountPoint();
  }

  /** The absolute path on the host of image path {@code p} ({@code /etc/x}). */
  Path path(String p) {
    return p.equals("/") ? root() : root().resolve(p.substring(1));
  }

  @Override
  public void close() throws Exception {
    try {
      mount.close();
    } finally {
      try {
        cache.close();
      } finally {
        image.close();
      }
    }
  }
}
