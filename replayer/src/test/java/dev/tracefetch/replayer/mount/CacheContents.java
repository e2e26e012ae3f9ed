package dev.tracefetch.replayer.mount;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracefetch.fs.cache.ChunkCache;
import dev.tracefetch.oci.image.Digest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Checks on a chunk cache directory left behind by mounts, for the replayer's fault tests. */
public final class CacheContents {
  private CacheContents() {}

  /** The entry files in {@code cacheDir} now. */
  public static List<Path> entryFiles(Path cacheDir) throws IOException {
    if (!Files.isDirectory(cacheDir.resolve("sha256"))) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(cacheDir.resolve("sha256"))) {
      return files.filter(Files::isRegularFile).toList();
    }
  }

  /**
   * The entry files once a live mount's background cache writer has caught up: the count has not
   * changed for 300 ms (at most 10 s of waiting). Fetched chunks are served before they are on
   * disk, so counting right after a read can miss the last few.
   */
  public static List<Path> settledEntryFiles(Path cacheDir)
      throws IOException, InterruptedException {
    List<Path> last = entryFiles(cacheDir);
    long deadline = System.nanoTime() + 10_000_000_000L;
    long stableSince = System.nanoTime();
    while (System.nanoTime() < deadline) {
      Thread.sleep(50);
      List<Path> now = entryFiles(cacheDir);
      if (now.size() != last.size()) {
        last = now;
        stableSince = System.nanoTime();
      } else if (System.nanoTime() - stableSince >= 300_000_000L) {
        return now;
      }
    }
    return last;
  }

  /**
   * Opens the cache as the next process would and asserts that every entry is served from disk with
   * the bytes its name (the chunk digest) promises, and that no temp file is left.
   */
  public static void assertIntact(Path cacheDir) throws IOException {
    List<Path> entries = entryFiles(cacheDir);
    try (ChunkCache cache = ChunkCache.open(cacheDir, 1L << 40)) {
      for (Path entry : entries) {
        Digest d = Digest.parse("sha256:" + entry.getFileName());
        ByteBuffer b =
            cache.get(
                d,
                x -> {
                  throw new IOException("entry " + x + " was not served from disk");
                });
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        assertThat(Digest.of(bytes)).as("cache entry %s", d).isEqualTo(d);
      }
      assertThat(cache.stats().corruptEntries()).as("corrupt entries").isZero();
    }
    try (Stream<Path> tmp = Files.list(cacheDir.resolve("tmp"))) {
      assertThat(tmp).as("temp files left in the cache").isEmpty();
    }
  }
}
