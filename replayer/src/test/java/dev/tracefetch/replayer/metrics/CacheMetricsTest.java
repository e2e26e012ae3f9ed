package dev.tracefetch.replayer.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracefetch.fs.cache.CacheStats;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CacheMetricsTest {
  @Test
  void everyCacheCounterIsExportedUnderItsOwnNameWithTheCacheDirectoryAsLabel() {
    CacheStats stats =
        new CacheStats(
            /* hits */ 100,
            /* memoryHits */ 50,
            /* fetches */ 20,
            /* joins */ 3,
            /* failures */ 4,
            /* corruptEntries */ 5,
            /* evictions */ 6,
            /* storeFailures */ 7,
            /* fetchedBytes */ 8000,
            /* entries */ 9,
            /* diskBytes */ 10_000);

    String text = CacheMetrics.prometheusText("/var/cache/\"tf\"", stats);
    Map<String, Double> s = PrometheusSamples.parse(text);

    String l = "{cache=\"/var/cache/\\\"tf\\\"\"}";
    assertThat(s)
        .containsEntry("tracefetch_cache_store_failures_total" + l, 7.0)
        .containsEntry("tracefetch_cache_corrupt_entries_total" + l, 5.0)
        .containsEntry("tracefetch_cache_evictions_total" + l, 6.0)
        .containsEntry("tracefetch_cache_fetch_failures_total" + l, 4.0)
        .containsEntry("tracefetch_cache_entries" + l, 9.0)
        .containsEntry("tracefetch_cache_disk_bytes" + l, 10_000.0)
        .hasSize(6);
    assertThat(text)
        .contains("# TYPE tracefetch_cache_store_failures_total counter\n")
        .contains("# TYPE tracefetch_cache_disk_bytes gauge\n");
  }
}
