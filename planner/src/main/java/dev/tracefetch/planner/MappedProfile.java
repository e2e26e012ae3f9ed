package dev.tracefetch.planner;

import java.util.Objects;

/**
 * A trace profile carried over to another image (it can then join that image's {@link
 * RankingState}), with the account of what could be carried.
 */
public record MappedProfile(TraceProfile profile, MappingReport report) {
  public MappedProfile {
    Objects.requireNonNull(profile, "profile");
    Objects.requireNonNull(report, "report");
  }
}
