package dev.tracefetch.replayer.discovery;

import dev.tracefetch.api.v1.ReplayPlan;
import java.util.Objects;

/**
 * A plan that passed the checks, with where it came from (shown by {@code replayer stats} and
 * passed on to the engine).
 *
 * @param plan the plan
 * @param source where it came from, e.g. {@code file:/etc/app.tfr}, {@code layer:sha256:...},
 *     {@code referrer:sha256:...}, {@code store:https://...}
 */
public record FoundPlan(ReplayPlan plan, String source) {
  public FoundPlan {
    Objects.requireNonNull(plan, "plan");
    Objects.requireNonNull(source, "source");
  }

  /** Number of planned chunk digests (or ranges, where a range names none). */
  public long plannedChunks() {
    long n = 0;
    for (var layer : plan.getLayersList()) {
      for (var range : layer.getRangesList()) {
        n += Math.max(1, range.getChunkDigestsCount());
      }
    }
    return n;
  }
}
