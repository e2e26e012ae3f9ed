import dev.tracefetch.api.v1.ReplayPlan;
import dev.tracefetch.api.v1.Trace;
import dev.tracefetch.planner.PlanHeader;
import dev.tracefetch.planner.PlanMerger;
import dev.tracefetch.planner.RankingSettings;
import dev.tracefetch.planner.RankingState;
import dev.tracefetch.planner.SyntheticImage;
import dev.tracefetch.planner.SyntheticTraces;
import dev.tracefetch.planner.TraceProfile;
import dev.tracefetch.planner.TraceProfileCodec;
import dev.tracefetch.planner.TraceRanker;
import dev.tracefetch.planner.TraceRanking;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Times re-ranking and merging an app with many traces (see the "Trace ranking and merging"
 * section of the top-level README). Not a test: it prints figures. Run it with {@code
 * bench/ranking/run}.
 *
 * <p>Arguments: [traces] [events per trace] [distinct chunks in the common sequence] [runs]
 */
public final class RankingBenchmark {
  public static void main(String[] args) throws Exception {
    int traces = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int events = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
    int sequence = args.length > 2 ? Integer.parseInt(args[2]) : 12_000;
    int runs = args.length > 3 ? Integer.parseInt(args[3]) : 7;
    int outliers = Math.max(1, traces / 100);

    System.out.println(
        "cpu ms: thread CPU time for the cold rebuild (one thread), process CPU time for the rest"
            + " (ranking threads, GC and JIT included)");
    System.out.printf(
        Locale.ROOT,
        "traces=%d (%d outliers) events/trace=%d common-sequence=%d chunks, cores=%d, java %s%n",
        traces, outliers, events, sequence, Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"));

    SyntheticImage image = SyntheticImage.generate(1, 6, Math.max(8000, sequence * 2 / 6 + 1000));
    SyntheticTraces gen =
        new SyntheticTraces(
            image, new SyntheticTraces.Shape(sequence, events, 5_000_000, 0.1, 0.03, 0.02), 2);

    // Ingest: what the store does per upload (extract, encode for storage, fold into the state).
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long extractNanos = 0;
    long encodeNanos = 0;
    long plusNanos = 0;
    long extractCpu = 0;
    long encodeCpu = 0;
    long plusCpu = 0;
    long storedBytes = 0;
    long chunkEntries = 0;
    List<byte[]> stored = new ArrayList<>(traces);
    RankingState state = RankingState.empty();
    for (int i = 0; i < traces; i++) {
      boolean outlier = i % (traces / outliers) == traces / outliers - 1;
      // Parsed from bytes, as the store sees an upload (string fields then hold raw bytes).
      Trace trace = Trace.parseFrom((outlier ? gen.outlier(i) : gen.normal(i)).toByteArray());
      String id = String.format(Locale.ROOT, "%s-%04d", outlier ? "outlier" : "trace", i);
      long c0 = threads.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      TraceProfile profile = TraceProfile.of(id, trace, 0);
      long t1 = System.nanoTime();
      long c1 = threads.getCurrentThreadCpuTime();
      byte[] bytes = TraceProfileCodec.encode(profile);
      long t2 = System.nanoTime();
      long c2 = threads.getCurrentThreadCpuTime();
      state = state.plus(profile);
      long t3 = System.nanoTime();
      long c3 = threads.getCurrentThreadCpuTime();
      extractNanos += t1 - t0;
      encodeNanos += t2 - t1;
      plusNanos += t3 - t2;
      extractCpu += c1 - c0;
      encodeCpu += c2 - c1;
      plusCpu += c3 - c2;
      storedBytes += bytes.length;
      chunkEntries += profile.chunkCount();
      stored.add(bytes);
    }
    System.out.printf(
        Locale.ROOT,
        "profiles: %.0f distinct chunks/trace on average, catalog %d chunks, stored %.1f MiB (%.0f B/chunk)%n",
        chunkEntries / (double) traces, state.catalog().size(), storedBytes / 1048576.0,
        storedBytes / (double) chunkEntries);
    System.out.printf(
        Locale.ROOT,
        "per upload, average wall (cpu) ms: extract %.2f (%.2f), encode %.2f (%.2f),"
            + " state.plus %.2f (%.2f)%n",
        extractNanos / 1e6 / traces, extractCpu / 1e6 / traces,
        encodeNanos / 1e6 / traces, encodeCpu / 1e6 / traces,
        plusNanos / 1e6 / traces, plusCpu / 1e6 / traces);

    RankingSettings settings = RankingSettings.defaults();
    TraceRanker ranker = new TraceRanker(settings);
    PlanMerger merger = new PlanMerger(settings);
    Instant now = Instant.ofEpochSecond(SyntheticTraces.NOW_MICROS / 1_000_000);

    // Cold rebuild from stored profiles (after a restart): decode + fold.
    long[] cold = new long[Math.min(3, runs)];
    long[] coldCpu = new long[cold.length];
    RankingState rebuilt = null;
    for (int r = 0; r < cold.length; r++) {
      long c0 = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      RankingState s = RankingState.empty();
      for (byte[] bytes : stored) {
        s = s.plus(TraceProfileCodec.decode(bytes, s.catalog()));
      }
      cold[r] = System.nanoTime() - t0;
      coldCpu[r] = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - c0;
      rebuilt = s;
    }
    if (!rebuilt.equals(state)) {
      throw new AssertionError("state rebuilt from stored profiles differs from the ingested one");
    }
    stored = null;

    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long[] rank = new long[runs];
    long[] rankCpu = new long[runs];
    long[] merge = new long[runs];
    long[] mergeCpu = new long[runs];
    TraceRanking ranking = null;
    ReplayPlan plan = null;
    for (int r = 0; r < runs; r++) {
      long c0 = os.getProcessCpuTime();
      long t0 = System.nanoTime();
      ranking = ranker.rank(state, now);
      long t1 = System.nanoTime();
      long c1 = os.getProcessCpuTime();
      plan = merger.merge(state, ranking, new PlanHeader(r, 0));
      long t2 = System.nanoTime();
      long c2 = os.getProcessCpuTime();
      rank[r] = t1 - t0;
      merge[r] = t2 - t1;
      rankCpu[r] = c1 - c0;
      mergeCpu[r] = c2 - c1;
    }

    // Incremental: one more trace arrives.
    Trace extra = Trace.parseFrom(gen.normal(traces + 1).toByteArray());
    long[] incremental = new long[runs];
    long[] incrementalCpu = new long[runs];
    for (int r = 0; r < runs; r++) {
      long c0 = os.getProcessCpuTime();
      long t0 = System.nanoTime();
      TraceProfile p = TraceProfile.of("trace-new", extra, 0);
      RankingState next = state.plus(p);
      TraceRanking nr = ranker.rank(next, now);
      merger.merge(next, nr, new PlanHeader(runs + r, 0));
      incremental[r] = System.nanoTime() - t0;
      incrementalCpu[r] = os.getProcessCpuTime() - c0;
    }

    int bottom = 0;
    List<String> ids = ranking.traceIds();
    for (String id : ids.subList(ids.size() - outliers, ids.size())) {
      if (id.startsWith("outlier")) {
        bottom++;
      }
    }
    long planBytes = 0;
    int ranges = 0;
    for (var layer : plan.getLayersList()) {
      for (var range : layer.getRangesList()) {
        planBytes += range.getCompressedLength();
        ranges++;
      }
    }
    System.out.printf(
        Locale.ROOT,
        "ranking: %d/%d outliers in the bottom %d; best %.3f, worst normal %.3f, best outlier %.3f%n",
        bottom, outliers, outliers, ranking.traces().get(0).score(),
        ranking.traces().get(ids.size() - outliers - 1).score(),
        ranking.traces().get(ids.size() - outliers).score());
    System.out.printf(
        Locale.ROOT,
        "plan: %d traces merged, %d layers, %d ranges, %.1f MiB%n",
        plan.getProvenance().getTracesCount(), plan.getLayersCount(), ranges, planBytes / 1048576.0);
    System.out.printf(
        Locale.ROOT, "%-46s %-27s %s%n", "step", "wall ms: median (min-max)",
        "cpu ms: median (min-max)");
    row("cold rebuild: decode + fold all profiles", cold, coldCpu);
    row("rank (all traces)", rank, rankCpu);
    row("merge top-k into a plan", merge, mergeCpu);
    long[] both = new long[runs];
    long[] bothCpu = new long[runs];
    for (int r = 0; r < runs; r++) {
      both[r] = rank[r] + merge[r];
      bothCpu[r] = rankCpu[r] + mergeCpu[r];
    }
    row("full re-rank + merge", both, bothCpu);
    row("a trace arrives: extract+plus+rank+merge", incremental, incrementalCpu);
  }

  private static void row(String name, long[] wall, long[] cpu) {
    System.out.printf(Locale.ROOT, "%-46s %-27s %s%n", name, stats(wall), stats(cpu));
  }

  private static String stats(long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return String.format(
        Locale.ROOT,
        "%.0f (%.0f-%.0f)",
        sorted[sorted.length / 2] / 1e6, sorted[0] / 1e6, sorted[sorted.length - 1] / 1e6);
  }
}
