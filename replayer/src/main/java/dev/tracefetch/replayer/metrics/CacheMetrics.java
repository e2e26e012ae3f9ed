package dev.tracefetch.replayer.metrics;

import dev.tracefetch.fs.cache.CacheStats;

/**
 * The chunk cache's own health in Prometheus form. A full cache disk or a torn entry never fails a
 * read (the chunk is served from the network, the entry refetched), so these counters are the only
 * way an operator learns that the cache is not doing its job. Exported once per cache, by the
 * process that owns it, whatever number of mounts share it.
 */
public final class CacheMetrics {
  private CacheMetrics() {}

  /**
   * @param directory value of the {@code cache} label: the cache directory
   */
  public static String prometheusText(String directory, CacheStats s) {
    String l = PrometheusWriter.label("cache", directory);
    return new PrometheusWriter()
        .counter(
            "tracefetch_cache_store_failures_total",
            "Fetched chunks that could not be written to the cache disk (served anyway).",
            l,
            s.storeFailures())
        .counter(
            "tracefetch_cache_corrupt_entries_total",
            "Cache entries that failed verification, were deleted and fetched again.",
            l,
            s.corruptEntries())
        .counter(
            "tracefetch_cache_evictions_total",
            "Entries removed to stay under the size limit.",
            l,
            s.evictions())
        .counter(
            "tracefetch_cache_fetch_failures_total",
            "Cache requests whose fetch from the registry failed.",
            l,
            s.failures())
        .gauge("tracefetch_cache_entries", "Entries on disk.", l, s.entries())
        .gauge("tracefetch_cache_disk_bytes", "Bytes of the entries on disk.", l, s.diskBytes())
        .toString();
  }
}
