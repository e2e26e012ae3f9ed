package dev.tracefetch.fs.lazy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracefetch.fs.cache.ChunkCache;
import dev.tracefetch.fs.image.ChunkKey;
import dev.tracefetch.oci.image.Digest;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TimeLimitedChunkSourceTest {
  @TempDir Path dir;

  private static final byte[] DATA = "chunk".getBytes();
  private static final ChunkKey KEY = new ChunkKey(0, 0, 5, 0, 5, Digest.of(DATA));

  @Test
  void hangingFetchFailsAtTheDeadlineAndIsInterrupted() throws Exception {
    CountDownLatch interrupted = new CountDownLatch(1);
    ChunkSource hanging =
        key -> {
          try {
            new CountDownLatch(1).await();
          } catch (InterruptedException e) {
            interrupted.countDown();
          }
          throw new IOException("interrupted");
        };
    try (TimeLimitedChunkSource limited =
        new TimeLimitedChunkSource(hanging, Duration.ofMillis(100))) {
      assertThatThrownBy(() -> limited.read(KEY))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("did not finish within PT0.1S");
      assertThat(interrupted.await(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void resultsAndErrorsOfTheDelegatePassThrough() throws Exception {
    try (TimeLimitedChunkSource ok = new TimeLimitedChunkSource(k -> DATA, Duration.ofSeconds(30));
        TimeLimitedChunkSource failing =
            new TimeLimitedChunkSource(
                k -> {
                  throw new IOException("registry returned 503");
                },
                Duration.ofSeconds(30))) {
      assertThat(ok.read(KEY)).isEqualTo(DATA);
      assertThatThrownBy(() -> failing.read(KEY)).hasMessage("registry returned 503");
    }
  }

  @Test
  void chunkReaderRejectsAChunkWhoseSizeDisagreesWithTheIndex() throws Exception {
    ChunkKey wrongSize = new ChunkKey(0, 0, 5, 0, 6, Digest.of(DATA));
    try (ChunkCache cache = ChunkCache.open(dir, 1 << 20)) {
      ChunkReader reader = new ChunkReader(k -> DATA, cache);
      assertThat(reader.read(KEY).remaining()).isEqualTo(5);
      assertThatThrownBy(() -> reader.read(wrongSize))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("index says 6");
    }
  }
}
