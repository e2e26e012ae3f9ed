package dev.tracefetch.replayer.discovery;

import dev.tracefetch.api.v1.ReplayPlan;
import java.util.Objects;

/**
 * What one source answered: a plan read from it, or the reason it has none. A failure to reach or
 * read the source is an exception instead, so that it is logged and counted as an error.
 */
public sealed interface LookupResult {

  /** A plan read from {@code source} (not yet checked against the image). */
  record Found(ReplayPlan plan, String source) implements LookupResult {
    public Found {
      Objects.requireNonNull(plan, "plan");
      Objects.requireNonNull(source, "source");
    }
  }

  /** Nothing there, and why (not configured, no trace layer, no artifact, 404). */
  record Absent(String reason) implements LookupResult {
    public Absent {
      Objects.requireNonNull(reason, "reason");
    }
  }

  static LookupResult found(ReplayPlan plan, String source) {
    return new Found(plan, source);
  }

  static LookupResult absent(String reason) {
    return new Absent(reason);
  }
}
