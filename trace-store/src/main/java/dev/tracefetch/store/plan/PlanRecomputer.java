package dev.tracefetch.store.plan;

import dev.tracefetch.store.trace.ImageTracesChanged;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 * <p>Changes coalesce: while a recomputation of an image is waiting to start, further changes of
 * that image add nothing (the waiting run will read them); once it has started, one more run is
 * queued. Runs of one image never overlap. {@link #awaitIdle} lets tests and tools wait until every
 * change so far is reflected in a plan.
 */
@Component
public class PlanRecomputer implements DisposableBean {
  private static final Logger log = LoggerFactory.getLogger(PlanRecomputer.class);

  private final LongConsumer recompute;
  private final Supplier<List<Long>> stalePlans;
  private final boolean recomputeOnStart;
  private final ExecutorService executor;
  private final Object lock = new Object();
  private final Set<Long> waiting = new HashSet<>();
  private final Map<Long, Object> imageLocks = new ConcurrentHashMap<>();
  private int outstanding;

  @Autowired
  public PlanRecomputer(PlanService plans, PlanProperties properties) {
    this(
        plans::recompute,
        plans::stalePlans,
        properties.recomputeThreads(),
        properties.recomputeOnStart());
  }

  /** For tests: any recomputation function. */
  PlanRecomputer(
      LongConsumer recompute,
      Supplier<List<Long>> stalePlans,
      int threadCount,
      boolean recomputeOnStart) {
    this.recompute = recompute;
    this.stalePlans = stalePlans;
    this.recomputeOnStart = recomputeOnStart;
    AtomicInteger threads = new AtomicInteger();
    this.executor =
        new ThreadPoolExecutor(
            threadCount,
            threadCount,
            0,
            TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "plan-recompute-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  @TransactionalEventListener
  public void onTracesChanged(ImageTracesChanged event) {
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
    try {
      executor.execute(() -> run(imageId));
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
        recompute.accept(imageId);
      }
    } catch (RuntimeException e) {
      log.warn("plan recomputation failed imageId={}", imageId, e);
    } finally {
      finished(imageId, false);
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
