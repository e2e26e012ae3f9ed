package dev.tracefetch.replayer.discovery;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of plan discovery: the plan to replay, if any, and one note per source consulted
 * (found, absent and why, refused and why, failed and why) for logs and {@code replayer stats}.
 */
public record DiscoveryResult(Optional<FoundPlan> plan, List<String> notes) {
  public DiscoveryResult {
    Objects.requireNonNull(plan, "plan");
    notes = List.copyOf(notes);
  }

  /** One line: what was found, or that the mount stays plain lazy and why. */
  public String summary() {
    String detail = String.join("; ", notes);
    return plan.map(p -> "replay plan from " + p.source() + " (" + detail + ")")
        .orElse("no replay plan found, plain lazy mount (" + detail + ")");
  }
}
