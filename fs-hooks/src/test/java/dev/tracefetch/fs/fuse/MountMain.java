package dev.tracefetch.fs.fuse;

import dev.tracefetch.fs.cache.ChunkCache;
import dev.tracefetch.fs.lazy.ImageFileSystem;
import dev.tracefetch.fs.local.LocalImage;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Run in a child JVM by {@link MountRecoveryIT}: mounts the synthetic image and waits to be killed.
 */
public final class MountMain {
  private MountMain() {}

  public static void main(String[] args) throws Exception {
    Path work = Path.of(args[0]);
    Path layers = Files.createDirectories(work.resolve("layers"));
    LocalImage image = SyntheticImage.build(layers);
    ChunkCache cache = ChunkCache.open(work.resolve("cache"), 64L << 20);
    Mount.mount(
        new ImageFileSystem(image.tree(), image.source(), cache),
        Path.of(args[1]),
        MountOptions.defaults());
    System.out.println("MOUNTED");
    System.out.flush();
    if (args.length > 2 && args[2].equals("exit-on-input")) {
      System.in.read();
      System.exit(0); // without closing the mount: the shutdown hook must release it
    }
    Thread.sleep(Long.MAX_VALUE);
  }
}
