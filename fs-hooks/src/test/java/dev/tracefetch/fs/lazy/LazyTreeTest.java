package dev.tracefetch.fs.lazy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracefetch.fs.image.EntryType;
import dev.tracefetch.fs.image.InvalidImageException;
import dev.tracefetch.fs.image.Layer;
import dev.tracefetch.fs.image.LayerEntry;
import dev.tracefetch.fs.image.MergedTree;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LazyTreeTest {
  private static MergedTree tree() throws InvalidImageException {
    return MergedTree.build(
        List.of(new Layer("l", List.of(LayerEntry.builder("a", EntryType.DIR).build()))));
  }

  private static void await(CountDownLatch latch) throws IOException {
    try {
      latch.await();
    } catch (InterruptedException e) {
      throw new java.io.InterruptedIOException("interrupted");
    }
  }

  @Test
  void aKnownTreeIsResolvedFromTheStart() throws Exception {
    MergedTree t = tree();
    LazyTree lazy = LazyTree.of(t);
    assertThat(lazy.isResolved()).isTrue();
    assertThat(lazy.get()).isSameAs(t);
    assertThat(lazy.ifResolved()).containsSame(t);
  }

  @Test
  void nothingIsResolvedUntilFirstUseAndConcurrentCallersShareOneResolution() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    MergedTree t = tree();
    LazyTree lazy =
        LazyTree.deferred(
            "img",
            () -> {
              calls.incrementAndGet();
              await(release);
              return t;
            },
            () -> 0,
            Duration.ofSeconds(30),
            1234);
    assertThat(calls.get()).isZero();
    assertThat(lazy.ifResolved()).isEmpty();
    assertThat(lazy.sizeHint()).isEqualTo(1234);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<MergedTree>> waiting = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        waiting.add(pool.submit(lazy::get));
      }
      Thread.sleep(200);
      assertThat(waiting).noneMatch(Future::isDone);
      release.countDown();
      for (Future<MergedTree> f : waiting) {
        assertThat(f.get(10, TimeUnit.SECONDS)).isSameAs(t);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(calls.get()).isEqualTo(1);
    assertThat(lazy.get()).isSameAs(t);
    assertThat(calls.get()).isEqualTo(1);
  }

  @Test
  void aFailedResolutionIsRetriedByTheNextAccess() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    MergedTree t = tree();
    LazyTree lazy =
        LazyTree.deferred(
            "img",
            () -> {
              if (calls.incrementAndGet() == 1) {
                throw new IOException("registry down");
              }
              return t;
            },
            () -> 0,
            Duration.ofSeconds(30),
            0);
    assertThatThrownBy(lazy::get)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("img")
        .hasMessageContaining("registry down");
    assertThat(lazy.get()).isSameAs(t);
    assertThat(calls.get()).isEqualTo(2);
  }

  @Test
  void anInvalidImageIsNotRetried() {
    AtomicInteger calls = new AtomicInteger();
    LazyTree lazy =
        LazyTree.deferred(
            "img",
            () -> {
              calls.incrementAndGet();
              throw new InvalidImageException("layer 1: duplicate entry");
            },
            () -> 0,
            Duration.ofSeconds(30),
            0);
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(lazy::get)
          .isInstanceOf(IOException.class)
          .hasMessageContaining("invalid image")
          .hasMessageContaining("duplicate entry");
    }
    assertThat(calls.get()).isEqualTo(1);
  }

  @Test
  void aWaiterGivesUpWhenTheResolutionStallsButNotWhileItProgresses() throws Exception {
    AtomicLong progress = new AtomicLong();
    CountDownLatch release = new CountDownLatch(1);
    MergedTree t = tree();
    LazyTree lazy =
        LazyTree.deferred(
            "img",
            () -> {
              await(release);
              return t;
            },
            progress::get,
            Duration.ofMillis(300),
            0);
    assertThatThrownBy(lazy::get)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("no progress for");

    Thread ticker =
        new Thread(
            () -> {
              try {
                for (int i = 0; i < 15; i++) {
                  Thread.sleep(100);
                  progress.incrementAndGet();
                }
              } catch (InterruptedException e) {
                return;
              }
              release.countDown();
            });
    ticker.start();
    assertThat(lazy.get())
        .as("1.5 s of steady progress outlasts a 0.3 s stall timeout")
        .isSameAs(t);
    ticker.join();
  }

  @Test
  void closeInterruptsAResolutionAndLaterCallsFail() throws Exception {
    CountDownLatch interrupted = new CountDownLatch(1);
    LazyTree lazy =
        LazyTree.deferred(
            "img",
            () -> {
              try {
                new CountDownLatch(1).await();
              } catch (InterruptedException e) {
                interrupted.countDown();
                throw new java.io.InterruptedIOException("stop");
              }
              return null;
            },
            () -> 0,
            Duration.ofMillis(200),
            0);
    assertThatThrownBy(lazy::get).isInstanceOf(IOException.class);
    lazy.close();
    assertThat(interrupted.await(5, TimeUnit.SECONDS)).isTrue();
    assertThatThrownBy(lazy::get).isInstanceOf(IOException.class).hasMessageContaining("closed");
  }
}
