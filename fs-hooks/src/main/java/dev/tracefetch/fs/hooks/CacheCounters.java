package dev.tracefetch.fs.hooks;

import dev.tracefetch.fs.cache.CacheEvent;
import dev.tracefetch.fs.cache.CacheListener;
import java.util.concurrent.atomic.LongAdder;

/**
 * A {@link CacheListener} that counts how demand reads were served, separately from prefetch
 * requests, so a replayer can report the share of reads its prefetch turned into cache hits.
 * Lock-free; safe to register on a cache shared by many mounts.
 */
public final class CacheCounters implements CacheListener {
  private final LongAdder demandHits = new LongAdder();
  private final LongAdder demandFetched = new LongAdder();
  private final LongAdder demandJoined = new LongAdder();
  private final LongAdder demandFailed = new LongAdder();
  private final LongAdder prefetchFetched = new LongAdder();
  private final LongAdder prefetchSkipped = new LongAdder();
  private final LongAdder prefetchFailed = new LongAdder();

  @Override
  public void onRequest(CacheEvent event) {
    if (event.prefetch()) {
      switch (event.outcome()) {
        case HIT -> prefetchSkipped.increment();
        case FETCHED, JOINED -> prefetchFetched.increment();
        case FAILED -> prefetchFailed.increment();
      }
    } else {
      switch (event.outcome()) {
        case HIT -> demandHits.increment();
        case FETCHED -> demandFetched.increment();
        case JOINED -> demandJoined.increment();
        case FAILED -> demandFailed.increment();
      }
    }
  }

  /** A consistent-enough copy of the counters. */
  public Snapshot snapshot() {
    return new Snapshot(
        demandHits.sum(),
        demandFetched.sum(),
        demandJoined.sum(),
        demandFailed.sum(),
        prefetchFetched.sum(),
        prefetchSkipped.sum(),
        prefetchFailed.sum());
  }

  /**
   * Counter values.
   *
   * @param demandHits reads served from the cache
   * @param demandFetched reads that had to fetch
   * @param demandJoined reads that waited for a fetch already running (often a prefetch)
   * @param demandFailed reads whose fetch failed
   * @param prefetchFetched prefetch requests that fetched
   * @param prefetchSkipped prefetch requests for chunks already cached
   * @param prefetchFailed prefetch requests that failed
   */
  public record Snapshot(
      long demandHits,
      long demandFetched,
      long demandJoined,
      long demandFailed,
      long prefetchFetched,
      long prefetchSkipped,
      long prefetchFailed) {

    /** Demand chunk reads in total. */
    public long demandReads() {
      return demandHits + demandFetched + demandJoined + demandFailed;
    }

    /** Share of demand reads served without waiting for a fetch (0 when there were none). */
    public double hitRatio() {
      long total = demandReads();
      return total == 0 ? 0.0 : (double) demandHits / total;
    }
  }
}
