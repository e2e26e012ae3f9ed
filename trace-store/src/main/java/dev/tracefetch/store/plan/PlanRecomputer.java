package dev.tracefetch.store.plan;

import dev.tracefetch.store.error.DatabaseOutage;
import dev.tracefetch.store.trace.ImageTracesChanged;
import dev.tracefetch.store.trace.StoredProfile;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Recomputes plans in the background after the traces of an image change, so uploads return at once
 * and plan reads keep getting the previous version until the new one is stored.
 *
 * <p>Changes coalesce: a run starts {@code tracestore.plan.recompute-delay} after the first change
 * (or after as long as the image's previous run took, if that was longer, so that re-ranking a busy
 * image takes at most about half a core); while it waits, further changes of that image add nothing
 * (the waiting run will read them); once it has started, one more run is queued. Runs of one image
 * never overlap. The profile of an added trace is handed to {@link PlanService} in memory so the
 * run need not read it back. {@link #awaitIdle} lets tests and tools wait until every change so far
 * is reflected in a plan.
 */
@Component
public class PlanRecomputer implements DisposableBean {
  private static final Logger log = LoggerFactory.getLogger(PlanRecomputer.class);
  private static final Duration OUTAGE_RETRY = Duration.ofSeconds(2);

  private final LongConsumer recompute;
  private final Supplier<List<Long>> stalePlans;
  private final BiConsumer<Long, StoredProfile> handOver;
  private final boolean recomputeOnStart;
  private final long delayNanos;
  private final ScheduledThreadPoolExecutor executor;
  private final Map<Long, Long> lastRunNanos = new ConcurrentHashMap<>();
  private final Object lock = new Object();
  private final Set<Long> waiting = new HashSet<>();
  private final Map<Long, Object> imageLocks = new ConcurrentHashMap<>();
  private int outstanding;

  @Autowired
  public PlanRecomputer(PlanService plans, PlanProperties properties) {
    this(
        plans::recompute,
        plans::stalePlans,
        plans::handOver,
        properties.recomputeThreads(),
        properties.recomputeOnStart(),
        properties.recomputeDelay());
  }

  /** For tests: any recomputation function, no delay. */
  PlanRecomputer(
      LongConsumer recompute,
      Supplier<List<Long>> stalePlans,
      int threadCount,
      boolean recomputeOnStart) {
    this(
        recompute,
        stalePlans,
        (image, profile) -> {},
        threadCount,
        recomputeOnStart,
        Duration.ZERO);
  }

  PlanRecomputer(
      LongConsumer recompute,
      Supplier<List<Long>> stalePlans,
      BiConsumer<Long, StoredProfile> handOver,
      int threadCount,
      boolean recomputeOnStart,
      Duration delay) {
    this.recompute = recompute;
    this.stalePlans = stalePlans;
    this.handOver = handOver;
    this.recomputeOnStart = recomputeOnStart;
    this.delayNanos = delay.toNanos();
    AtomicInteger threads = new AtomicInteger();
    this.executor =
        new ScheduledThreadPoolExecutor(
            threadCount,
            r -> {
              Thread t = new Thread(r, "plan-recompute-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(true);
  }

  @TransactionalEventListener
  public void onTracesChanged(ImageTracesChanged event) {
    event.added().ifPresent(profile -> handOver.accept(event.imageId(), profile));
    schedule(event.imageId());
  }

  @EventListener(ApplicationReadyEvent.class)
  public void recomputeStalePlans() {
    if (!recomputeOnStart) {
      return;
    }
    List<Long> stale = stalePlans.get();
    if (!stale.isEmpty()) {
      log.info("recomputing plans that missed trace changes images={}", stale.size());
      stale.forEach(this::schedule);
    }
  }

  /** Queues a recomputation of the image unless one is already waiting to start. */
  public void schedule(long imageId) {
    synchronized (lock) {
      if (!waiting.add(imageId)) {
        return;
      }
      outstanding++;
    }
    long delay = Math.max(delayNanos, lastRunNanos.getOrDefault(imageId, 0L));
    try {
      executor.schedule(() -> run(imageId), delay, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      log.warn("plan recomputation not scheduled (shutting down) imageId={}", imageId);
      finished(imageId, true);
    }
  }

  private void run(long imageId) {
    try {
      synchronized (imageLocks.computeIfAbsent(imageId, id -> new Object())) {
        synchronized (lock) {
          waiting.remove(imageId);
        }
        long started = System.nanoTime();
        recompute.accept(imageId);
        lastRunNanos.put(imageId, System.nanoTime() - started);
      }
    } catch (RuntimeException e) {
      if (DatabaseOutage.causedBy(e)) {
        // PostgreSQL is away (restarting): try again later rather than leave the plan stale
        // until the image's next upload.
        log.warn(
            "plan recomputation failed, database unavailable; retrying in {} ms imageId={}",
            OUTAGE_RETRY.toMillis(),
            imageId);
        retryLater(imageId);
      } else {
        log.warn("plan recomputation failed imageId={}", imageId, e);
      }
    } finally {
      finished(imageId, false);
    }
  }

  private void retryLater(long imageId) {
    synchronized (lock) {
      if (!waiting.add(imageId)) {
        return;
      }
      outstanding++;
    }
    try {
      executor.schedule(() -> run(imageId), OUTAGE_RETRY.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      finished(imageId, true);
    }
  }

  private void finished(long imageId, boolean stillWaiting) {
    synchronized (lock) {
      if (stillWaiting) {
        waiting.remove(imageId);
      }
      outstanding--;
      lock.notifyAll();
    }
  }

  /**
   * Waits until no recomputation is queued or running.
   *
   * @return false if that did not happen within {@code timeout}
   */
  public boolean awaitIdle(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (outstanding > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(lock, left);
      }
      return true;
    }
  }

  @Override
  public void destroy() throws InterruptedException {
    executor.shutdown();
    if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
      executor.shutdownNow();
    }
  }
}
