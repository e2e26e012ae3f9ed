package dev.tracefetch.replayer.control;

/**
 * One snapshot of a mount's replay, as shown by {@code replayer stats} and returned by the control
 * API. Byte counts are compressed bytes fetched from the registry unless named otherwise.
 *
 * @param state where the replay is
 * @param source where the plan came from; empty when no plan was found
 * @param plannedChunks chunks in the plan
 * @param prefetchedChunks chunks the replay fetched into the cache
 * @param skippedChunks chunks already cached (earlier start, another image) and not fetched again
 * @param prefetchedBytes compressed bytes the replay fetched
 * @param requests range requests the replay made
 * @param demandHits demand reads served from the cache
 * @param demandMisses demand reads that had to fetch
 * @param usefulPrefetchedBytes uncompressed bytes of prefetched chunks that demand reads later used
 * @param errors failed fetches (the replay degrades to lazy loading for those chunks)
 * @param lastError the most recent error message, empty if none
 * @param precision share of prefetched (uncompressed) bytes that demand reads used, in [0, 1]
 * @param recall share of demand-read bytes that prefetched chunks served, in [0, 1]
 */
public record ReplayStatus(
    State state,
    String source,
    long plannedChunks,
    long prefetchedChunks,
    long skippedChunks,
    long prefetchedBytes,
    long requests,
    long demandHits,
    long demandMisses,
    long usefulPrefetchedBytes,
    long errors,
    String lastError,
    double precision,
    double recall) {

  /** A status without precision and recall (0), for controls that do not measure them. */
  public ReplayStatus(
      State state,
      String source,
      long plannedChunks,
      long prefetchedChunks,
      long skippedChunks,
      long prefetchedBytes,
      long requests,
      long demandHits,
      long demandMisses,
      long usefulPrefetchedBytes,
      long errors,
      String lastError) {
    this(
        state,
        source,
        plannedChunks,
        prefetchedChunks,
        skippedChunks,
        prefetchedBytes,
        requests,
        demandHits,
        demandMisses,
        usefulPrefetchedBytes,
        errors,
        lastError,
        0,
        0);
  }

  /** Life cycle of a replay. */
  public enum State {
    /** No plan was given or found: plain lazy mount. */
    IDLE,
    RUNNING,
    DONE,
    CANCELLED,
    /** Stopped on errors; reads continue lazily. */
    FAILED
  }

  /** Share of demand reads served from the cache, or 0 when there were none. */
  public double hitRatio() {
    long total = demandHits + demandMisses;
    return total == 0 ? 0 : (double) demandHits / total;
  }
}
