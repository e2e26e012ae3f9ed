package dev.tracefetch.replayer.control;

import dev.tracefetch.api.v1.ReplayPlan;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ReplayControl} that records what it is asked to do: the engine is another helper's work,
 * and these tests are about reaching it. A started plan stays RUNNING until cancelled or {@link
 * #finish()}ed.
 */
public final class FakeReplayControl implements ReplayControl {
  /** One {@link #start} call. */
  public record Started(ReplayPlan plan, String source) {}

  private final List<Started> starts = new CopyOnWriteArrayList<>();
  private final LinkedBlockingQueue<Started> arrivals = new LinkedBlockingQueue<>();
  private volatile ReplayStatus status =
      new ReplayStatus(ReplayStatus.State.IDLE, "", 0, 0, 0, 0, 0, 0, 0, 0, 0, "");
  private volatile int cancels;
  private volatile String refuseWith;

  @Override
  public synchronized void start(ReplayPlan plan, String source) {
    if (refuseWith != null) {
      throw new IllegalArgumentException(refuseWith);
    }
    Started s = new Started(plan, source);
    starts.add(s);
    arrivals.add(s);
    status =
        new ReplayStatus(
            ReplayStatus.State.RUNNING,
            source,
            plan.getLayersCount() * 2L,
            3,
            1,
            4096,
            2,
            90,
            10,
            3000,
            1,
            "range 0-10 of sha256:x: HTTP 503",
            0.625,
            0.9);
  }

  @Override
  public synchronized void cancel() {
    cancels++;
    if (status.state() == ReplayStatus.State.RUNNING) {
      status = withState(ReplayStatus.State.CANCELLED);
    }
  }

  @Override
  public ReplayStatus status() {
    return status;
  }

  /** The running replay completes. */
  public synchronized void finish() {
    status = withState(ReplayStatus.State.DONE);
  }

  /** Later starts throw {@link IllegalArgumentException} with {@code message}. */
  public void refuse(String message) {
    refuseWith = message;
  }

  public List<Started> starts() {
    return List.copyOf(starts);
  }

  public int cancels() {
    return cancels;
  }

  /** Waits (bounded) for the next start call; null if none came. */
  public Started awaitStart(long seconds) throws InterruptedException {
    return arrivals.poll(seconds, TimeUnit.SECONDS);
  }

  private ReplayStatus withState(ReplayStatus.State state) {
    ReplayStatus s = status;
    return new ReplayStatus(
        state,
        s.source(),
        s.plannedChunks(),
        s.prefetchedChunks(),
        s.skippedChunks(),
        s.prefetchedBytes(),
        s.requests(),
        s.demandHits(),
        s.demandMisses(),
        s.usefulPrefetchedBytes(),
        s.errors(),
        s.lastError(),
        s.precision(),
        s.recall());
  }
}
