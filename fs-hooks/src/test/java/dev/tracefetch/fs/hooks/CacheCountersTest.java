package dev.tracefetch.fs.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracefetch.fs.cache.ChunkCache;
import dev.tracefetch.oci.image.Digest;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CacheCountersTest {
  @TempDir Path dir;

  @Test
  void countsDemandReadsApartFromPrefetch() throws Exception {
    byte[] a = "chunk a".getBytes();
    byte[] b = "chunk b".getBytes();
    byte[] c = "chunk c".getBytes();
    CacheCounters counters = new CacheCounters();
    try (ChunkCache cache = ChunkCache.open(dir, 1 << 20)) {
      cache.addListener(counters);
      cache.prefetch(Digest.of(a), d -> a);
      cache.prefetch(Digest.of(a), d -> a);
      cache.get(Digest.of(a), d -> a); // hit thanks to the prefetch
      cache.get(Digest.of(b), d -> b); // miss
      cache.get(Digest.of(c), d -> c); // miss
      cache.get(Digest.of(c), d -> c); // hit
    }
    CacheCounters.Snapshot s = counters.snapshot();
    assertThat(s.prefetchFetched()).isEqualTo(1);
    assertThat(s.prefetchSkipped()).isEqualTo(1);
    assertThat(s.demandHits()).isEqualTo(2);
    assertThat(s.demandFetched()).isEqualTo(2);
    assertThat(s.demandReads()).isEqualTo(4);
    assertThat(s.hitRatio()).isEqualTo(0.5);
  }
}
