package dev.tracefetch.builder.plan;

import dev.tracefetch.api.v1.ReplayPlan;
import dev.tracefetch.planner.MappingReport;
import java.util.List;
import java.util.Objects;

/**
 * A replay plan verified against the image it is for, with where it came from.
 *
 * @param plan the plan
 * @param source what it was built from, for messages ("2 trace files", "trace store ...")
 * @param traces trace files or store trace ids merged into it
 * @param mapping how much of what was recorded on another image could be carried over; null when
 *     everything was recorded on this image
 */
public record BuiltPlan(
    ReplayPlan plan, String source, List<String> traces, MappingReport mapping) {
  public BuiltPlan {
    Objects.requireNonNull(plan, "plan");
    Objects.requireNonNull(source, "source");
    traces = List.copyOf(traces);
  }

  /** Share of the recorded bytes that the plan serves on this image (1.0 without mapping). */
  public double coverage() {
    return plan.getProvenance().getCoverage() > 0 ? plan.getProvenance().getCoverage() : 1.0;
  }

  public int rangeCount() {
    return plan.getLayersList().stream().mapToInt(l -> l.getRangesCount()).sum();
  }

  public long plannedBytes() {
    long sum = 0;
    for (var layer : plan.getLayersList()) {
      for (var range : layer.getRangesList()) {
        sum += range.getCompressedLength();
      }
    }
    return sum;
  }
}
