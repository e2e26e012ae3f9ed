package dev.tracefetch.replayer.metrics;

import dev.tracefetch.fs.cache.CacheEvent;
import dev.tracefetch.oci.image.Digest;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * The counters that say whether replay works for one mount: what it fetched and what that cost, and
 * what the application's demand reads found in the cache because of it. Prometheus scrapes them and
 * {@code ReplayStatus} is built from them, so both always agree. Monotonic since the mount was made
 * (across replays); thread-safe; updated from FUSE threads, so every update is cheap.
 *
 * <p>Precision is the share of prefetched (uncompressed) bytes that demand reads later used; recall
 * is the share of distinct chunks the application read that prefetch had brought in.
 */
public final class ReplayMetrics {
  private final LongAdder prefetchedChunks = new LongAdder();
  private final LongAdder prefetchedBytes = new LongAdder();
  private final LongAdder prefetchedPlainBytes = new LongAdder();
  private final LongAdder skippedChunks = new LongAdder();
  private final LongAdder requests = new LongAdder();
  private final LongAdder requestNanos = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private final LongAdder demandHits = new LongAdder();
  private final LongAdder demandJoined = new LongAdder();
  private final LongAdder demandFetched = new LongAdder();
  private final LongAdder demandFailed = new LongAdder();
  private final LongAdder usefulBytes = new LongAdder();
  private final LongAdder demandChunks = new LongAdder();
  private final LongAdder demandChunksPrefetched = new LongAdder();
  private final AtomicLong firstByteNanos = new AtomicLong(-1);

  /** Chunks a replay claimed (delivered or in flight) with their uncompressed sizes. */
  private final Map<Digest, Long> prefetched = new ConcurrentHashMap<>();

  /** Distinct chunks demand reads have asked for. */
  private final Set<Digest> demanded = ConcurrentHashMap.newKeySet();

  /** A replay is about to fetch {@code digest} (so a read joining that fetch counts for it). */
  public void claimed(Digest digest, long uncompressedSize) {
    prefetched.putIfAbsent(digest, uncompressedSize);
  }

  /** A claimed chunk was not delivered after all. */
  public void unclaimed(Digest digest) {
    prefetched.remove(digest);
  }

  /** A replay put a verified chunk into the cache. */
  public void prefetched(long uncompressedSize) {
    prefetchedChunks.increment();
    prefetchedPlainBytes.add(uncompressedSize);
  }

  public void request(long compressedBytes, long nanos) {
    requests.increment();
    prefetchedBytes.add(compressedBytes);
    requestNanos.add(nanos);
  }

  public void skipped() {
    skippedChunks.increment();
  }

  public void error() {
    errors.increment();
  }

  /** Time from the start of a replay to its first response (the last replay's). */
  public void firstByte(long nanos) {
    firstByteNanos.set(nanos);
  }

  /** One demand (non-prefetch) cache request, as the cache's listener saw it. */
  public void demand(CacheEvent e) {
    if (e.prefetch()) {
      return;
    }
    switch (e.outcome()) {
      case HIT -> demandHits.increment();
      case JOINED -> demandJoined.increment();
      case FETCHED -> demandFetched.increment();
      case FAILED -> {
        demandFailed.increment();
        return;
      }
    }
    if (demanded.add(e.digest())) {
      demandChunks.increment();
      Long size = prefetched.get(e.digest());
      if (size != null && e.outcome() != dev.tracefetch.fs.cache.CacheOutcome.FETCHED) {
        demandChunksPrefetched.increment();
        usefulBytes.add(size);
      }
    }
  }

  public long prefetchedChunks() {
    return prefetchedChunks.sum();
  }

  public long prefetchedBytes() {
    return prefetchedBytes.sum();
  }

  public long skippedChunks() {
    return skippedChunks.sum();
  }

  public long requests() {
    return requests.sum();
  }

  public long errors() {
    return errors.sum();
  }

  /** Demand reads served from the cache without waiting for any fetch. */
  public long demandHits() {
    return demandHits.sum();
  }

  /** Demand reads that waited for a fetch in flight (usually a prefetch request). */
  public long demandJoined() {
    return demandJoined.sum();
  }

  /** Demand reads that fetched the chunk themselves. */
  public long demandFetched() {
    return demandFetched.sum();
  }

  public long demandFailed() {
    return demandFailed.sum();
  }

  /** Uncompressed bytes of prefetched chunks that demand reads used. */
  public long usefulPrefetchedBytes() {
    return usefulBytes.sum();
  }

  public double hitRatio() {
    long total = demandHits.sum() + demandJoined.sum() + demandFetched.sum();
    return total == 0 ? 0 : (double) demandHits.sum() / total;
  }

  public double precision() {
    long fetched = prefetchedPlainBytes.sum();
    return fetched == 0 ? 0 : Math.min(1.0, (double) usefulBytes.sum() / fetched);
  }

  public double recall() {
    long read = demandChunks.sum();
    return read == 0 ? 0 : (double) demandChunksPrefetched.sum() / read;
  }

  /**
   * The Prometheus text exposition (format 0.0.4) of these counters.
   *
   * @param mount value of the {@code mount} label
   * @param state current replay state name, exported as a labelled gauge
   */
  public String prometheusText(String mount, Supplier<String> state) {
    String l = PrometheusWriter.label("mount", mount);
    long ttfb = firstByteNanos.get();
    return new PrometheusWriter()
        .counter(
            "tracefetch_prefetch_chunks_total",
            "Chunks prefetched into the cache.",
            l,
            prefetchedChunks.sum())
        .counter(
            "tracefetch_prefetch_bytes_total",
            "Compressed bytes fetched by prefetch range requests.",
            l,
            prefetchedBytes.sum())
        .counter(
            "tracefetch_prefetch_skipped_chunks_total",
            "Planned chunks not fetched because they were cached or in flight already.",
            l,
            skippedChunks.sum())
        .counter(
            "tracefetch_prefetch_requests_total",
            "Prefetch range requests made.",
            l,
            requests.sum())
        .counter(
            "tracefetch_prefetch_errors_total",
            "Failed prefetch requests or chunks (those chunks are loaded lazily).",
            l,
            errors.sum())
        .counter(
            "tracefetch_prefetch_useful_bytes_total",
            "Uncompressed bytes of prefetched chunks later read by the application.",
            l,
            usefulBytes.sum())
        .header("tracefetch_demand_reads_total", "Demand chunk reads by outcome.", "counter")
        .sample("tracefetch_demand_reads_total", l + ",outcome=\"hit\"", demandHits.sum())
        .sample("tracefetch_demand_reads_total", l + ",outcome=\"joined\"", demandJoined.sum())
        .sample("tracefetch_demand_reads_total", l + ",outcome=\"fetched\"", demandFetched.sum())
        .sample("tracefetch_demand_reads_total", l + ",outcome=\"failed\"", demandFailed.sum())
        .gauge(
            "tracefetch_demand_hit_ratio",
            "Share of demand reads served from the cache without waiting.",
            l,
            hitRatio())
        .gauge(
            "tracefetch_prefetch_precision",
            "Share of prefetched bytes later read by the application.",
            l,
            precision())
        .gauge(
            "tracefetch_prefetch_recall",
            "Share of chunks the application read that prefetch had brought in.",
            l,
            recall())
        .gauge(
            "tracefetch_prefetch_time_to_first_byte_seconds",
            "Time from the start of the last replay to its first response (-1 before any).",
            l,
            ttfb < 0 ? -1 : ttfb / 1e9)
        .header(
            "tracefetch_prefetch_request_seconds",
            "Duration of prefetch range requests.",
            "summary")
        .sample("tracefetch_prefetch_request_seconds_sum", l, requestNanos.sum() / 1e9)
        .sample("tracefetch_prefetch_request_seconds_count", l, requests.sum())
        .header("tracefetch_replay_state", "Current replay state (1 for the current one).", "gauge")
        .sample(
            "tracefetch_replay_state", l + "," + PrometheusWriter.label("state", state.get()), 1)
        .toString();
  }
}
