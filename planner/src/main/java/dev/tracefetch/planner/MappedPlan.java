package dev.tracefetch.planner;

import dev.tracefetch.api.v1.ReplayPlan;
import java.util.Objects;

/** A plan carried over to another image, with the account of what could be carried. */
public record MappedPlan(ReplayPlan plan, MappingReport report) {
  public MappedPlan {
    Objects.requireNonNull(plan, "plan");
    Objects.requireNonNull(report, "report");
  }
}
