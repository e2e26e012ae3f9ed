package dev.tracefetch.store.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.CannotGetJdbcConnectionException;

class PlanRecomputerTest {
  private final Map<Long, AtomicInteger> runs = new ConcurrentHashMap<>();
  private final Map<Long, AtomicInteger> running = new ConcurrentHashMap<>();
  private final AtomicInteger overlaps = new AtomicInteger();
  private final CountDownLatch started = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);

  private void recompute(long imageId) {
    if (running.computeIfAbsent(imageId, i -> new AtomicInteger()).incrementAndGet() > 1) {
      overlaps.incrementAndGet();
    }
    try {
      runs.computeIfAbsent(imageId, i -> new AtomicInteger()).incrementAndGet();
      started.countDown();
      release.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      running.get(imageId).decrementAndGet();
    }
  }

  @Test
  void changesDuringARunCoalesceIntoOneMoreRun() throws Exception {
    PlanRecomputer recomputer = new PlanRecomputer(this::recompute, List::of, 3, false);
    try {
      recomputer.schedule(1);
      assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
      for (int i = 0; i < 5; i++) {
        recomputer.schedule(1);
      }
      assertThat(recomputer.awaitIdle(Duration.ofMillis(50))).isFalse();
      release.countDown();
      assertThat(recomputer.awaitIdle(Duration.ofSeconds(30))).isTrue();
      assertThat(runs.get(1L).get()).isEqualTo(2);
      assertThat(overlaps.get()).isZero();
    } finally {
      recomputer.destroy();
    }
  }

  @Test
  void imagesAreRecomputedIndependently() throws Exception {
    release.countDown();
    PlanRecomputer recomputer = new PlanRecomputer(this::recompute, List::of, 2, false);
    try {
      for (long image = 1; image <= 4; image++) {
        recomputer.schedule(image);
      }
      assertThat(recomputer.awaitIdle(Duration.ofSeconds(30))).isTrue();
      assertThat(runs).containsOnlyKeys(1L, 2L, 3L, 4L);
      runs.values().forEach(count -> assertThat(count.get()).isEqualTo(1));
    } finally {
      recomputer.destroy();
    }
  }

  @Test
  void stalePlansAreScheduledOnStart() throws Exception {
    release.countDown();
    PlanRecomputer recomputer = new PlanRecomputer(this::recompute, () -> List.of(7L, 8L), 1, true);
    try {
      recomputer.recomputeStalePlans();
      assertThat(recomputer.awaitIdle(Duration.ofSeconds(30))).isTrue();
      assertThat(runs).containsOnlyKeys(7L, 8L);
    } finally {
      recomputer.destroy();
    }
  }

  @Test
  void aRunThatFailsBecauseTheDatabaseIsAwayIsRetriedOtherFailuresAreNot() throws Exception {
    AtomicInteger outageRuns = new AtomicInteger();
    AtomicInteger bugRuns = new AtomicInteger();
    PlanRecomputer recomputer =
        new PlanRecomputer(
            image -> {
              if (image == 1 && outageRuns.incrementAndGet() <= 2) {
                throw new CannotGetJdbcConnectionException("database down (injected)");
              }
              if (image == 2) {
                bugRuns.incrementAndGet();
                throw new IllegalStateException("a bug (injected)");
              }
            },
            List::of,
            1,
            false);
    try {
      recomputer.schedule(1);
      recomputer.schedule(2);
      assertThat(recomputer.awaitIdle(Duration.ofSeconds(60))).isTrue();
      assertThat(outageRuns.get()).isEqualTo(3);
      assertThat(bugRuns.get()).isEqualTo(1);
    } finally {
      recomputer.destroy();
    }
  }
}
