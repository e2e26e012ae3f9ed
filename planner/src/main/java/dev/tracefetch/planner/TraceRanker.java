package dev.tracefetch.planner;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * Scores every trace of one (app, image) in [0, 1] and explains each score (see {@link
 * RankingSettings} for the components and how they combine).
 *
 * <h2>Agreement in O(n·m)</h2>
 *
 * The natural measure of "does this start look like the others" is the mean weighted Jaccard
 * similarity to every other trace, but that costs O(n²·m): 10^3 traces of 2·10^4 chunks would be
 * 2·10^10 steps. Sampling peers would cut the cost but makes scores noisy, and deterministic only
 * with a fixed seed. Instead each trace is compared with the <em>mean vector of the other
 * traces</em> (their centroid), which a single aggregate makes exact for every trace at once:
 *
 * <pre>
 *   x_t(c) = length(c) * H / (H + firstAccess_t(c))          (0 when t did not read c)
 *   S(c)   = sum over all traces of x_t(c),  S = sum over c of S(c)
 *   y(c)   = (S(c) - x_t(c)) / (n - 1)                       (mean of the other n-1 traces)
 *   J(t)   = sum_c min(x_t(c), y(c)) / sum_c max(x_t(c), y(c))
 *          = sum_{c in t} min(x, y) / (sum_{c in t} max(x, y) + (S - sum_{c in t} S(c)) / (n - 1))
 * </pre>
 *
 * The last form touches only the trace's own chunks, so ranking is two sequential passes over all
 * profiles: one to sum S(c) into an array indexed by the {@link ChunkCatalog}'s chunk ids (which
 * the state keeps per trace, so there is no lookup), one to score. A chunk read by most traces gets
 * a large y(c), so a start that missed common chunks loses in the denominator, and one that read
 * many other chunks adds their full weight there while gaining nothing in the numerator: both rank
 * low. Weights are fixed point ({@code length x round(2^16 x H/(H+t))}) so that S(c) are exact
 * integers and the result does not depend on the order in which traces were added.
 *
 * <p>With a single trace there are no peers; its agreement is 1.
 *
 * <h2>Threads</h2>
 *
 * With more than {@link #MIN_ENTRIES_PER_PART} chunk entries per thread, both passes split the
 * traces into up to {@code parallelism} parts run on the common fork-join pool, the calling thread
 * included (so a busy pool only means the caller does the work itself). Pass 1 sums each part into
 * its own integer array, so the result is the same for any split.
 */
public final class TraceRanker {
  private static final double FLOOR = 0.01;
  private static final int WEIGHT_ONE = 1 << 16;

  /** Sum of x_t(c) over everything stays below 2^63 (128 TiB read by all traces together). */
  private static final long MAX_TOTAL_BYTES = 1L << 47;

  /** Below this many chunk entries per thread, ranking stays on the calling thread. */
  static final long MIN_ENTRIES_PER_PART = 200_000;

  private final RankingSettings settings;

  public TraceRanker(RankingSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  public RankingSettings settings() {
    return settings;
  }

  /**
   * Ranks every trace of {@code state}.
   *
   * @param now the reference time for recency (pass the same value to get the same ranking)
   */
  public TraceRanking rank(RankingState state, Instant now) {
    Objects.requireNonNull(state, "state");
    long nowMicros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    TraceProfile[] profiles = state.profilesArray();
    int n = profiles.length;
    if (n == 0) {
      return new TraceRanking(List.of());
    }
    long h = settings.accessHalfWeightMicros();
    long allBytes = 0;
    for (TraceProfile profile : profiles) {
      allBytes += profile.bytesRead();
    }
    if (allBytes > MAX_TOTAL_BYTES) {
      throw new IllegalArgumentException(
          "the traces of "
              + state.manifestDigest()
              + " read "
              + allBytes
              + " bytes in total, more than the "
              + MAX_TOTAL_BYTES
              + " that fixed-point agreement sums can hold");
    }

    // Split the traces into parts of similar size when there is enough work for several threads.
    int[] bounds = parts(state, settings.parallelism());
    int parts = bounds.length - 1;

    // Pass 1: S(c) by chunk id, and S. Each part sums into its own array; integer sums make the
    // result independent of the split.
    long[][] partialSums = new long[parts][];
    long[] partialTotals = new long[parts];
    int idCount = state.catalog().idCount();
    forEachPart(
        parts,
        part -> {
          long[] sums = new long[idCount];
          long total = 0;
          for (int t = bounds[part]; t < bounds[part + 1]; t++) {
            int[] ids = state.chunkIds(t);
            int[] times = profiles[t].firstAccessArray();
            int[] lengths = profiles[t].lengthsArray();
            for (int i = 0; i < ids.length; i++) {
              long x = lengths[i] * timeWeight(times[i], h);
              sums[ids[i]] += x;
              total += x;
            }
          }
          partialSums[part] = sums;
          partialTotals[part] = total;
        });
    long[] sums = partialSums[0];
    long total = partialTotals[0];
    for (int part = 1; part < parts; part++) {
      long[] more = partialSums[part];
      for (int c = 0; c < idCount; c++) {
        sums[c] += more[c];
      }
      total += partialTotals[part];
    }

    // Pass 2: agreement per trace.
    double[] agreement = new double[n];
    long grandTotal = total;
    forEachPart(
        parts,
        part -> {
          for (int t = bounds[part]; t < bounds[part + 1]; t++) {
            agreement[t] =
                n == 1 ? 1.0 : agreement(profiles[t], state.chunkIds(t), sums, grandTotal, n, h);
          }
        });

    long[] sizes = new long[n];
    for (int t = 0; t < n; t++) {
      sizes[t] = profiles[t].bytesRead();
    }
    double medianBytes = median(sizes);

    List<ScoredTrace> scored = new ArrayList<>(n);
    for (int t = 0; t < n; t++) {
      scored.add(score(profiles[t], agreement[t], n - 1, medianBytes, nowMicros));
    }
    scored.sort(
        Comparator.comparingDouble(ScoredTrace::score)
            .reversed()
            .thenComparing(ScoredTrace::traceId));
    return new TraceRanking(scored);
  }

  private static double agreement(
      TraceProfile profile, int[] ids, long[] sums, long total, int n, long h) {
    int[] times = profile.firstAccessArray();
    int[] lengths = profile.lengthsArray();
    double perPeer = 1.0 / (n - 1);
    double num = 0; // sum of min(x, y) over the trace's chunks
    double both = 0; // sum of x + y, so sum of max(x, y) = both - num
    long ownSums = 0;
    for (int i = 0; i < ids.length; i++) {
      long sum = sums[ids[i]];
      long x = lengths[i] * timeWeight(times[i], h);
      double y = (sum - x) * perPeer;
      num += x < y ? x : y;
      both += x + y;
      ownSums += sum;
    }
    double den = both - num + (total - ownSums) * perPeer;
    if (den <= 0) {
      return 1.0; // nobody read anything: they all agree
    }
    return Math.min(1.0, num / den);
  }

  /**
   * Boundaries of up to {@code parallelism} contiguous runs of traces holding similar numbers of
   * chunk entries; a single run when there are fewer than {@link #MIN_ENTRIES_PER_PART} entries per
   * thread (threads would cost more than they save).
   */
  static int[] parts(RankingState state, int parallelism) {
    TraceProfile[] profiles = state.profilesArray();
    long entries = 0;
    for (TraceProfile profile : profiles) {
      entries += profile.chunkCount();
    }
    int parts =
        (int)
            Math.max(
                1,
                Math.min(Math.min(parallelism, profiles.length), entries / MIN_ENTRIES_PER_PART));
    int[] bounds = new int[parts + 1];
    long seen = 0;
    int part = 1;
    for (int t = 0; t < profiles.length && part < parts; t++) {
      seen += profiles[t].chunkCount();
      if (seen * parts >= entries * part) {
        bounds[part++] = t + 1;
      }
    }
    while (part <= parts) {
      bounds[part++] = profiles.length;
    }
    return bounds;
  }

  /** Runs {@code work} for every part; the calling thread takes part in the work. */
  private static void forEachPart(int parts, IntConsumer work) {
    if (parts == 1) {
      work.accept(0);
    } else {
      IntStream.range(0, parts).parallel().forEach(work);
    }
  }

  /** H / (H + t) in 16-bit fixed point. */
  static long timeWeight(int firstAccessMicros, long h) {
    return (long) (WEIGHT_ONE * (double) h / (h + (long) firstAccessMicros) + 0.5);
  }

  private ScoredTrace score(
      TraceProfile profile, double agreement, int peers, double medianBytes, long nowMicros) {
    List<String> reasons = new ArrayList<>(6);
    TraceFacts facts = profile.facts();

    double completeness = 1.0;
    String via = facts.readinessKind().isEmpty() ? "" : " via " + facts.readinessKind();
    if (facts.readinessReached()) {
      reasons.add("readiness reached" + via + " in " + Formats.duration(facts.timeToReadyMicros()));
    } else {
      completeness *= settings.readinessMissedFactor();
      reasons.add(
          "readiness not reached"
              + (facts.readinessKind().isEmpty() ? "" : " (" + facts.readinessKind() + ")"));
    }
    if (facts.incomplete()) {
      completeness *= settings.incompleteFactor();
      reasons.add("recording incomplete (stopped early)");
    }
    long dropped = facts.droppedEvents();
    if (dropped == 0) {
      reasons.add("no dropped events");
    } else {
      double fraction = dropped / (double) (dropped + facts.eventCount());
      completeness *= 1.0 / (1.0 + fraction / settings.droppedFractionHalf());
      reasons.add(dropped + (dropped == 1 ? " dropped event" : " dropped events"));
    }

    if (peers == 0) {
      reasons.add("agreement 1.00 (no peers to compare with)");
    } else {
      reasons.add(
          "agreement "
              + Formats.fraction(agreement)
              + " (weighted Jaccard vs "
              + peers
              + (peers == 1 ? " peer)" : " peers)"));
    }

    double size;
    long bytes = profile.bytesRead();
    double ratio =
        medianBytes > 0 ? bytes / medianBytes : (bytes == 0 ? 1.0 : Double.POSITIVE_INFINITY);
    double excess =
        Math.abs(Math.log(ratio)) / Math.log(2) - Math.log(settings.sizeTolerance()) / Math.log(2);
    size =
        ratio == 0 || Double.isInfinite(ratio) ? 0.0 : (excess <= 0 ? 1.0 : Math.pow(2, -excess));
    String sizeReason = "size " + Formats.bytes(bytes) + " vs median " + Formats.bytes(medianBytes);
    if (size < 1.0) {
      sizeReason +=
          " ("
              + (Double.isInfinite(ratio) ? "no median" : Formats.fraction(ratio) + "x")
              + ", size score "
              + Formats.fraction(size)
              + ")";
    }
    reasons.add(sizeReason);

    double recency;
    if (facts.recordedUnixMicros() == 0) {
      recency = 1.0;
      reasons.add("age unknown (no decay)");
    } else {
      long age = Math.max(0, nowMicros - facts.recordedUnixMicros());
      double halfLife = settings.recencyHalfLife().toNanos() / 1000.0;
      recency = Math.pow(2, -age / halfLife);
      reasons.add("age " + Formats.age(age) + " (decay " + Formats.fraction(recency) + ")");
    }

    ScoreComponents components = new ScoreComponents(completeness, agreement, size, recency);
    return new ScoredTrace(profile.traceId(), combine(components), components, reasons, bytes);
  }

  private double combine(ScoreComponents c) {
    double wc = settings.completenessWeight();
    double wa = settings.agreementWeight();
    double ws = settings.sizeWeight();
    double wr = settings.recencyWeight();
    double logSum =
        wc * Math.log(Math.max(FLOOR, c.completeness()))
            + wa * Math.log(Math.max(FLOOR, c.agreement()))
            + ws * Math.log(Math.max(FLOOR, c.size()))
            + wr * Math.log(Math.max(FLOOR, c.recency()));
    double score = Math.exp(logSum / (wc + wa + ws + wr));
    return Math.max(0.0, Math.min(1.0, score));
  }

  /** Median as the mean of the two middle values for an even count. */
  static double median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    if (n % 2 == 1) {
      return sorted[n / 2];
    }
    return (sorted[n / 2 - 1] + (double) sorted[n / 2]) / 2.0;
  }
}
