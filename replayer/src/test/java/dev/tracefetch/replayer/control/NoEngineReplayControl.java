package dev.tracefetch.replayer.control;

import dev.tracefetch.api.v1.ReplayPlan;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The {@link ReplayControl} of a mount without a prefetch engine: it accepts plans (so discovery,
 * the control socket, the hook and {@code stats} work end to end) but fetches nothing; reads stay
 * lazy and the status says so. Used until the engine is wired into {@code LazyImageMount}.
 */
public final class NoEngineReplayControl implements ReplayControl {
  static final String NO_ENGINE = "no prefetch engine in this process; reads stay lazy";

  private final AtomicReference<ReplayStatus> status =
      new AtomicReference<>(
          new ReplayStatus(ReplayStatus.State.IDLE, "", 0, 0, 0, 0, 0, 0, 0, 0, 0, ""));

  @Override
  public void start(ReplayPlan plan, String source) {
    long chunks = 0;
    for (var layer : plan.getLayersList()) {
      for (var range : layer.getRangesList()) {
        chunks += Math.max(1, range.getChunkDigestsCount());
      }
    }
    status.set(
        new ReplayStatus(
            ReplayStatus.State.IDLE, source, chunks, 0, 0, 0, 0, 0, 0, 0, 0, NO_ENGINE));
  }

  @Override
  public void cancel() {
    // Nothing runs.
  }

  @Override
  public ReplayStatus status() {
    return status.get();
  }
}
