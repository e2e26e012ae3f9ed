package dev.tracefetch.fs.lazy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.tracefetch.fs.cache.ChunkCache;
import dev.tracefetch.fs.cache.ChunkCacheOptions;
import dev.tracefetch.fs.image.ChunkRef;
import dev.tracefetch.fs.local.LocalImage;
import dev.tracefetch.fs.local.LocalLayerBuilder;
import dev.tracefetch.fs.ops.CallContext;
import dev.tracefetch.fs.ops.Errno;
import dev.tracefetch.fs.ops.FileHandle;
import dev.tracefetch.fs.ops.FsException;
import dev.tracefetch.oci.image.Digest;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Read-ahead failures must never reach the cache or the reader that comes after them. */
class ChunkReadAheadTest {
  private static final CallContext CTX = new CallContext(42, 0, 0);
  private static final int CHUNK = 10;

  @TempDir Path tmp;
  private LocalImage image;
  private ChunkCache cache;
  private byte[] big;
  private List<ChunkRef> chunks;

  @BeforeEach
  void setUp() throws Exception {
    big = new byte[95];
    new Random(11).nextBytes(big);
    LocalLayerBuilder l0 = new LocalLayerBuilder(0, tmp.resolve("l0"), CHUNK);
    l0.file("big", big, 0644);
    image = LocalImage.of(List.of(l0.build("l0")));
    cache =
        ChunkCache.open(
            tmp.resolve("cache"), ChunkCacheOptions.ofDiskLimit(1 << 20).withMaxMemoryBytes(0));
    chunks = image.tree().lookup("/big").orElseThrow().chunks();
  }

  @AfterEach
  void tearDown() throws Exception {
    image.close();
    cache.close();
  }

  @Test
  void aFailedReadAheadIsNotCachedAndTheDemandReadFetchesTheChunkAgain() throws Exception {
    Set<Digest> failOnce = ConcurrentHashMap.newKeySet();
    failOnce.add(digest(1));
    failOnce.add(digest(2));
    ChunkSource flaky =
        key -> {
          if (failOnce.remove(key.digest())) {
            throw new IOException("registry hiccup on " + key);
          }
          return image.source().read(key);
        };
    ChunkReader reader = new ChunkReader(flaky, cache);
    try (ChunkReadAhead ahead = new ChunkReadAhead(reader, 2, 1)) {
      ImageFileSystem fs = new ImageFileSystem(image.tree(), reader, ahead);
      FileHandle h = fs.open("/big", 0, CTX);

      assertThat(read(fs, h, 0, 5)).isEqualTo(Arrays.copyOfRange(big, 0, 5));
      awaitIdle(ahead);
      assertThat(failOnce).isEmpty(); // both read-aheads ran and failed
      assertThat(cache.contains(digest(1))).isFalse();
      assertThat(cache.contains(digest(2))).isFalse();
      assertThat(cache.isInFlight(digest(1))).isFalse();

      assertThat(read(fs, h, 5, 20)).isEqualTo(Arrays.copyOfRange(big, 5, 25));
      assertThat(cache.contains(digest(1))).isTrue();
      assertThat(cache.contains(digest(2))).isTrue();
    }
  }

  @Test
  void aDemandReadWaitingOnAHangingReadAheadGetsEioAtTheFetchDeadlineAndThenRecovers()
      throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Set<Digest> stalled = ConcurrentHashMap.newKeySet();
    stalled.add(digest(1));
    ChunkSource hanging =
        key -> {
          if (stalled.contains(key.digest())) {
            try {
              release.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new InterruptedIOException("fetch of " + key + " interrupted");
            }
          }
          return image.source().read(key);
        };
    try (TimeLimitedChunkSource limited =
            new TimeLimitedChunkSource(hanging, Duration.ofMillis(300));
        ChunkReadAhead ahead = new ChunkReadAhead(new ChunkReader(limited, cache), 2, 2)) {
      ChunkReader reader = new ChunkReader(limited, cache);
      ImageFileSystem fs = new ImageFileSystem(image.tree(), reader, ahead);
      FileHandle h = fs.open("/big", 0, CTX);
      assertThat(read(fs, h, 0, 5)).isEqualTo(Arrays.copyOfRange(big, 0, 5));

      assertTimeoutPreemptively(
          Duration.ofSeconds(20),
          () ->
              assertThatThrownBy(() -> read(fs, h, 10, 5))
                  .isInstanceOfSatisfying(
                      FsException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EIO)));
      awaitIdle(ahead);
      assertThat(cache.contains(digest(1))).isFalse();
      assertThat(cache.contains(digest(2))).isTrue(); // the other read-ahead was not held up

      stalled.clear();
      release.countDown();
      assertThat(read(fs, h, 10, 5)).isEqualTo(Arrays.copyOfRange(big, 10, 15));
      assertThat(cache.contains(digest(1))).isTrue();
    } finally {
      release.countDown();
    }
  }

  @Test
  void aSuspendedReadAheadFetchesNothingBeyondTheReadUntilResumedAsOftenAsSuspended()
      throws Exception {
    ChunkReader reader = new ChunkReader(image.source(), cache);
    try (ChunkReadAhead ahead = new ChunkReadAhead(reader, 2, 1)) {
      ImageFileSystem fs = new ImageFileSystem(image.tree(), reader, ahead);
      FileHandle h = fs.open("/big", 0, CTX);
      ahead.suspend();
      ahead.suspend();
      assertThat(ahead.activeChunks()).isZero();

      assertThat(read(fs, h, 0, 10)).isEqualTo(Arrays.copyOfRange(big, 0, 10));
      assertThat(read(fs, h, 10, 10)).isEqualTo(Arrays.copyOfRange(big, 10, 20));
      awaitIdle(ahead);
      assertThat(cache.contains(digest(2))).isFalse();
      assertThat(cache.contains(digest(3))).isFalse();

      ahead.resume();
      assertThat(ahead.activeChunks()).as("still suspended once").isZero();
      ahead.resume();
      assertThat(ahead.activeChunks()).isEqualTo(2);
      assertThat(read(fs, h, 20, 10)).isEqualTo(Arrays.copyOfRange(big, 20, 30));
      awaitIdle(ahead);
      assertThat(cache.contains(digest(3))).isTrue();
      assertThat(cache.contains(digest(4))).isTrue();
    }
  }

  private Digest digest(int index) {
    return chunks.get(index).key().digest();
  }

  private static byte[] read(ImageFileSystem fs, FileHandle h, long offset, int length)
      throws FsException {
    byte[] out = new byte[length];
    int n = fs.read(h, offset, length, (at, src) -> src.get(out, at, src.remaining()), CTX);
    return Arrays.copyOf(out, n);
  }

  private static void awaitIdle(ChunkReadAhead ahead) {
    while (!ahead.idle()) {
      Thread.yield();
    }
  }
}
