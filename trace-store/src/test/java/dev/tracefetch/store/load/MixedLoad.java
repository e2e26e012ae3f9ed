package dev.tracefetch.store.load;

import dev.tracefetch.api.files.ContentDigest;
import dev.tracefetch.store.support.Http;
import dev.tracefetch.store.support.TestTraces;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Many clients against one running store for a fixed time, each alternating an upload of a new,
 * distinct trace with a read of its app's current plan over REST. Shared by {@code MixedLoadIT}
 * (scaled down, asserts no error and no lost upload) and the 5-minute benchmark {@code
 * bench/trace-store/mixed-load} (reports latency too).
 */
public final class MixedLoad {
  /** What one run did. Latencies in nanoseconds, sorted. */
  public record Result(
      int clients,
      Duration duration,
      Set<String> ackedDigests,
      long[] uploadLatencies,
      long[] planLatencies,
      List<String> errors,
      int errorCount) {

    public String report() {
      return String.format(
              Locale.ROOT,
              "%d clients for %d s: %d uploads acknowledged, %d plan reads, %d errors%n",
              clients,
              duration.toSeconds(),
              ackedDigests.size(),
              planLatencies.length,
              errorCount)
          + line("upload", uploadLatencies)
          + line("plan read", planLatencies);
    }

    private String line(String what, long[] sorted) {
      return String.format(
          Locale.ROOT,
          "%s: %.1f/s; latency p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms%n",
          what,
          sorted.length / (double) duration.toSeconds(),
          pct(sorted, 0.50),
          pct(sorted, 0.95),
          pct(sorted, 0.99),
          sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6);
    }
  }

  public static final int APPS = 10;

  private MixedLoad() {}

  /** App {@code i} of the load's apps. */
  public static String app(int i) {
    return "load-" + (i % APPS);
  }

  /**
   * Uploads one trace per app and returns their digests; wait for their plans before {@link #run}
   * so that every plan read has a plan to find.
   */
  public static Set<String> seed(Http http, String token) {
    Set<String> digests = ConcurrentHashMap.newKeySet();
    for (int a = 0; a < APPS; a++) {
      byte[] file = TestTraces.file(TestTraces.normal(app(a), TestTraces.IMAGE_A, -1 - a));
      Http.Response response = http.upload(file, token);
      if (response.status() != 201) {
        throw new IllegalStateException("seed upload failed: " + response.text());
      }
      digests.add(ContentDigest.of(file));
    }
    return digests;
  }

  /** Runs {@code clients} clients for {@code duration}; errors are counted, not thrown. */
  public static Result run(Http http, String token, int clients, Duration duration)
      throws Exception {
    Set<String> acked = ConcurrentHashMap.newKeySet();
    List<String> errors = new CopyOnWriteArrayList<>();
    AtomicInteger errorCount = new AtomicInteger();
    AtomicInteger seeds = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    List<Future<long[][]>> futures = new ArrayList<>();
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(clients);
    long[] end = new long[1];
    try {
      for (int c = 0; c < clients; c++) {
        String app = app(c);
        String planPath = "/api/v1/apps/" + app + "/images/" + TestTraces.IMAGE_A + "/plan";
        futures.add(
            pool.submit(
                () -> {
                  List<Long> uploads = new ArrayList<>();
                  List<Long> plans = new ArrayList<>();
                  start.await();
                  while (System.nanoTime() < end[0]) {
                    byte[] file =
                        TestTraces.file(
                            TestTraces.normal(app, TestTraces.IMAGE_A, seeds.incrementAndGet()));
                    long t0 = System.nanoTime();
                    try {
                      Http.Response up = http.upload(file, token);
                      uploads.add(System.nanoTime() - t0);
                      if (up.status() == 201) {
                        acked.add(ContentDigest.of(file));
                      } else {
                        error(errors, errorCount, "upload HTTP " + up.status() + ": " + up.text());
                      }
                    } catch (RuntimeException e) {
                      error(errors, errorCount, "upload: " + e);
                    }
                    long t1 = System.nanoTime();
                    try {
                      Http.Response plan = http.get(planPath, token, "application/x-protobuf");
                      plans.add(System.nanoTime() - t1);
                      if (plan.status() != 200 || plan.body().length == 0) {
                        error(
                            errors, errorCount, "plan HTTP " + plan.status() + ": " + plan.text());
                      }
                    } catch (RuntimeException e) {
                      error(errors, errorCount, "plan: " + e);
                    }
                  }
                  return new long[][] {toArray(uploads), toArray(plans)};
                }));
      }
      end[0] = System.nanoTime() + duration.toNanos();
      start.countDown();
      List<long[]> uploads = new ArrayList<>();
      List<long[]> plans = new ArrayList<>();
      for (Future<long[][]> f : futures) {
        long[][] r = f.get();
        uploads.add(r[0]);
        plans.add(r[1]);
      }
      return new Result(
          clients, duration, acked, merge(uploads), merge(plans), errors, errorCount.get());
    } finally {
      pool.shutdownNow();
    }
  }

  private static void error(List<String> errors, AtomicInteger count, String message) {
    if (count.incrementAndGet() <= 20) {
      errors.add(message.length() > 300 ? message.substring(0, 300) : message);
    }
  }

  private static long[] toArray(List<Long> values) {
    return values.stream().mapToLong(Long::longValue).toArray();
  }

  private static long[] merge(List<long[]> parts) {
    return parts.stream().flatMapToLong(java.util.Arrays::stream).sorted().toArray();
  }

  static double pct(long[] sorted, double q) {
    if (sorted.length == 0) {
      return 0;
    }
    int i = (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
    return sorted[Math.max(0, i)] / 1e6;
  }
}
