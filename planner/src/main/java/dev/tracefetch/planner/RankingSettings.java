package dev.tracefetch.planner;

import java.time.Duration;
import java.util.Objects;

/**
 * The knobs of ranking and merging, with defaults that suit start-up traces of a few seconds.
 *
 * <h2>Score</h2>
 *
 * A trace's score is the weighted geometric mean of four components in [0, 1]:
 *
 * <pre>
 * score = completeness^wc * agreement^wa * size^ws * recency^wr   (weights normalised to sum 1)
 * </pre>
 *
 * A geometric mean is used instead of a sum so that no component can make up for another: a fresh,
 * complete recording that read something else than every other start is still an outlier. Each
 * component is floored at 0.01 before combining so that scores keep ordering traces that are bad in
 * several ways.
 *
 * <ul>
 *   <li><b>completeness</b> = (reached readiness ? 1 : {@code readinessMissedFactor}) x (incomplete
 *       ? {@code incompleteFactor} : 1) x 1 / (1 + droppedFraction / {@code droppedFractionHalf}),
 *       where droppedFraction = dropped / (recorded + dropped events).
 *   <li><b>agreement</b>: weighted Jaccard similarity between the trace's chunk vector and the mean
 *       vector of the other traces (see {@link TraceRanker}). A chunk weighs its compressed length
 *       x {@code H / (H + firstAccess)} with H = {@code accessHalfWeight}: a chunk first read at
 *       time H counts half as much as one read at once.
 *   <li><b>size</b>: r = bytes read / median over the image's traces; 1 while r is within a factor
 *       {@code sizeTolerance} of 1, then halves for every further factor of 2.
 *   <li><b>recency</b> = 2^(-age / {@code recencyHalfLife}), age from the recording's wall-clock
 *       start (1 when unknown).
 * </ul>
 *
 * <h2>Merge</h2>
 *
 * The plan merges the best {@code topK} traces whose score is at least {@code mergeScoreRatio} x
 * the best score; keeps chunks read by at least {@code minSupport} of them; gives each chunk {@code
 * needed_by} = the {@code neededByQuantile} quantile of its first-access times (0.5 = median; an
 * earlier quantile such as 0.25 makes deadlines more conservative); and coalesces chunks of one
 * layer into one range when the gap between them is below {@code gapThresholdBytes} (adjacent
 * chunks always qualify), the range stays within {@code maxRangeBytes} and its gap bytes stay
 * within {@code maxGapOverhead} x its chunk bytes (see {@link RangeCoalescer}).
 *
 * <p>{@code parallelism} (default: the number of processors) bounds the threads a large ranking
 * uses; results do not depend on it.
 */
public record RankingSettings(
    double completenessWeight,
    double agreementWeight,
    double sizeWeight,
    double recencyWeight,
    double readinessMissedFactor,
    double incompleteFactor,
    double droppedFractionHalf,
    Duration accessHalfWeight,
    double sizeTolerance,
    Duration recencyHalfLife,
    int topK,
    double mergeScoreRatio,
    double minSupport,
    double neededByQuantile,
    long gapThresholdBytes,
    long maxRangeBytes,
    double maxGapOverhead,
    int parallelism) {

  private static final RankingSettings DEFAULTS = new Builder().build();

  public RankingSettings {
    requireNonNegative("completenessWeight", completenessWeight);
    requireNonNegative("agreementWeight", agreementWeight);
    requireNonNegative("sizeWeight", sizeWeight);
    requireNonNegative("recencyWeight", recencyWeight);
    if (completenessWeight + agreementWeight + sizeWeight + recencyWeight <= 0) {
      throw new IllegalArgumentException("at least one score weight must be positive");
    }
    requireUnit("readinessMissedFactor", readinessMissedFactor);
    requireUnit("incompleteFactor", incompleteFactor);
    requirePositive("droppedFractionHalf", droppedFractionHalf);
    requirePositive("accessHalfWeight", accessHalfWeight);
    if (!(sizeTolerance >= 1) || Double.isInfinite(sizeTolerance)) {
      throw new IllegalArgumentException("sizeTolerance must be >= 1, got " + sizeTolerance);
    }
    requirePositive("recencyHalfLife", recencyHalfLife);
    if (topK < 1) {
      throw new IllegalArgumentException("topK must be >= 1, got " + topK);
    }
    requireUnit("mergeScoreRatio", mergeScoreRatio);
    if (!(minSupport > 0 && minSupport <= 1)) {
      throw new IllegalArgumentException("minSupport must be in (0, 1], got " + minSupport);
    }
    requireUnit("neededByQuantile", neededByQuantile);
    if (gapThresholdBytes < 0) {
      throw new IllegalArgumentException("gapThresholdBytes is negative: " + gapThresholdBytes);
    }
    if (maxRangeBytes < 1) {
      throw new IllegalArgumentException("maxRangeBytes must be >= 1, got " + maxRangeBytes);
    }
    if (!(maxGapOverhead >= 0)) {
      throw new IllegalArgumentException("maxGapOverhead must be >= 0, got " + maxGapOverhead);
    }
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be >= 1, got " + parallelism);
    }
  }

  /** The defaults documented on this class. */
  public static RankingSettings defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these settings. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  long accessHalfWeightMicros() {
    return Math.max(1, accessHalfWeight.toNanos() / 1000);
  }

  private static void requireNonNegative(String name, double value) {
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(name + " must be a finite value >= 0, got " + value);
    }
  }

  private static void requirePositive(String name, double value) {
    if (!(value > 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(name + " must be a finite value > 0, got " + value);
    }
  }

  private static void requireUnit(String name, double value) {
    if (!(value >= 0 && value <= 1)) {
      throw new IllegalArgumentException(name + " must be in [0, 1], got " + value);
    }
  }

  private static void requirePositive(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero() || value.toNanos() < 1000) {
      throw new IllegalArgumentException(name + " must be at least 1 microsecond, got " + value);
    }
  }

  /** Builds settings; every value starts at its default. */
  public static final class Builder {
    private double completenessWeight = 0.25;
    private double agreementWeight = 0.45;
    private double sizeWeight = 0.15;
    private double recencyWeight = 0.15;
    private double readinessMissedFactor = 0.3;
    private double incompleteFactor = 0.5;
    private double droppedFractionHalf = 0.05;
    private Duration accessHalfWeight = Duration.ofSeconds(1);
    private double sizeTolerance = 1.5;
    private Duration recencyHalfLife = Duration.ofDays(30);
    private int topK = 20;
    private double mergeScoreRatio = 0.75;
    private double minSupport = 0.5;
    private double neededByQuantile = 0.5;
    private long gapThresholdBytes = 64 * 1024;
    private long maxRangeBytes = 8 * 1024 * 1024;
    private double maxGapOverhead = 0.1;
    private int parallelism = Math.max(1, Runtime.getRuntime().availableProcessors());

    private Builder() {}

    private Builder(RankingSettings s) {
      completenessWeight = s.completenessWeight;
      agreementWeight = s.agreementWeight;
      sizeWeight = s.sizeWeight;
      recencyWeight = s.recencyWeight;
      readinessMissedFactor = s.readinessMissedFactor;
      incompleteFactor = s.incompleteFactor;
      droppedFractionHalf = s.droppedFractionHalf;
      accessHalfWeight = s.accessHalfWeight;
      sizeTolerance = s.sizeTolerance;
      recencyHalfLife = s.recencyHalfLife;
      topK = s.topK;
      mergeScoreRatio = s.mergeScoreRatio;
      minSupport = s.minSupport;
      neededByQuantile = s.neededByQuantile;
      gapThresholdBytes = s.gapThresholdBytes;
      maxRangeBytes = s.maxRangeBytes;
      maxGapOverhead = s.maxGapOverhead;
      parallelism = s.parallelism;
    }

    /** Sets the four component weights (they need not sum to 1). */
    public Builder weights(double completeness, double agreement, double size, double recency) {
      this.completenessWeight = completeness;
      this.agreementWeight = agreement;
      this.sizeWeight = size;
      this.recencyWeight = recency;
      return this;
    }

    public Builder readinessMissedFactor(double value) {
      this.readinessMissedFactor = value;
      return this;
    }

    public Builder incompleteFactor(double value) {
      this.incompleteFactor = value;
      return this;
    }

    public Builder droppedFractionHalf(double value) {
      this.droppedFractionHalf = value;
      return this;
    }

    public Builder accessHalfWeight(Duration value) {
      this.accessHalfWeight = value;
      return this;
    }

    public Builder sizeTolerance(double value) {
      this.sizeTolerance = value;
      return this;
    }

    public Builder recencyHalfLife(Duration value) {
      this.recencyHalfLife = value;
      return this;
    }

    public Builder topK(int value) {
      this.topK = value;
      return this;
    }

    public Builder mergeScoreRatio(double value) {
      this.mergeScoreRatio = value;
      return this;
    }

    public Builder minSupport(double value) {
      this.minSupport = value;
      return this;
    }

    public Builder neededByQuantile(double value) {
      this.neededByQuantile = value;
      return this;
    }

    public Builder gapThresholdBytes(long value) {
      this.gapThresholdBytes = value;
      return this;
    }

    public Builder maxRangeBytes(long value) {
      this.maxRangeBytes = value;
      return this;
    }

    /** Gap bytes allowed per chunk byte in a coalesced range; infinity disables the rule. */
    public Builder maxGapOverhead(double value) {
      this.maxGapOverhead = value;
      return this;
    }

    /** Threads a large ranking may use (see {@link TraceRanker}); 1 keeps it on the caller. */
    public Builder parallelism(int value) {
      this.parallelism = value;
      return this;
    }

    public RankingSettings build() {
      return new RankingSettings(
          completenessWeight,
          agreementWeight,
          sizeWeight,
          recencyWeight,
          readinessMissedFactor,
          incompleteFactor,
          droppedFractionHalf,
          accessHalfWeight,
          sizeTolerance,
          recencyHalfLife,
          topK,
          mergeScoreRatio,
          minSupport,
          neededByQuantile,
          gapThresholdBytes,
          maxRangeBytes,
          maxGapOverhead,
          parallelism);
    }
  }
}
