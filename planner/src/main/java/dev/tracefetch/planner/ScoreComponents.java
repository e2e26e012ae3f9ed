package dev.tracefetch.planner;

/**
 * The four components of a trace's score, each in [0, 1] (see {@link RankingSettings} for how each
 * is computed and combined). Kept apart from the score so the UI and tests can show which one
 * pulled a trace down.
 */
public record ScoreComponents(double completeness, double agreement, double size, double recency) {

  public ScoreComponents {
    requireUnit("completeness", completeness);
    requireUnit("agreement", agreement);
    requireUnit("size", size);
    requireUnit("recency", recency);
  }

  private static void requireUnit(String name, double value) {
    if (!(value >= 0 && value <= 1)) {
      throw new IllegalArgumentException(name + " must be in [0, 1], got " + value);
    }
  }
}
