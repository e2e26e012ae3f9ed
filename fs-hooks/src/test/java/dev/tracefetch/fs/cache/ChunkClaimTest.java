package dev.tracefetch.fs.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.image.DigestMismatchException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Range fetches announcing the chunks they will deliver, and the readers that wait for them. */
class ChunkClaimTest {
  @TempDir Path dir;

  private static byte[] chunk(int seed) {
    byte[] b = new byte[1000 + seed];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static byte[] bytes(ByteBuffer buf) {
    byte[] out = new byte[buf.remaining()];
    buf.duplicate().get(out);
    return out;
  }

  private static ChunkLoader failing() {
    return d -> {
      throw new AssertionError("loader must not run for " + d);
    };
  }

  /** Loader serving the given chunks and counting its calls. */
  private static final class Counting implements ChunkLoader {
    final Map<Digest, byte[]> data = new ConcurrentHashMap<>();
    final Map<Digest, AtomicInteger> calls = new ConcurrentHashMap<>();

    Counting(byte[]... chunks) {
      for (byte[] c : chunks) {
        data.put(Digest.of(c), c);
      }
    }

    @Override
    public byte[] load(Digest digest) {
      calls.computeIfAbsent(digest, k -> new AtomicInteger()).incrementAndGet();
      return data.get(digest);
    }

    int calls(Digest d) {
      AtomicInteger n = calls.get(d);
      return n == null ? 0 : n.get();
    }
  }

  /** Waits until {@code t} is parked (waiting on the claim); no timing assumption. */
  private static void awaitParked(Thread t) throws InterruptedException {
    while (t.getState() != Thread.State.WAITING && t.getState() != Thread.State.TIMED_WAITING) {
      if (!t.isAlive()) {
        throw new AssertionError("reader finished before waiting");
      }
      Thread.sleep(5);
    }
  }

  @Test
  void claimLeavesOutChunksThatAreCachedOrAlreadyClaimed() throws Exception {
    byte[] a = chunk(1);
    byte[] b = chunk(2);
    byte[] c = chunk(3);
    try (ChunkCache cache = ChunkCache.open(dir, 1 << 20)) {
      cache.get(Digest.of(a), new Counting(a));
      try (ChunkClaim first = cache.claim(List.of(Digest.of(b)));
          ChunkClaim second =
              cache.claim(List.of(Digest.of(a), Digest.of(b), Digest.of(c), Digest.of(c)))) {
        assertThat(first.digests()).containsExactly(Digest.of(b));
        assertThat(second.digests()).containsExactly(Digest.of(c));
        assertThat(cache.isInFlight(Digest.of(b))).isTrue();
      }
      assertThat(cache.isInFlight(Digest.of(b))).isFalse();
      assertThat(cache.isInFlight(Digest.of(c))).isFalse();
    }
  }

  @Test
  void readerOfAClaimedChunkWaitsForTheDeliveryInsteadOfFetching() throws Exception {
    byte[] a = chunk(4);
    Digest d = Digest.of(a);
    List<CacheEvent> events = new CopyOnWriteArrayList<>();
    try (ChunkCache cache = ChunkCache.open(dir, 1 << 20)) {
      cache.addListener(events::add);
      ChunkClaim claim = cache.claim(List.of(d));
      byte[][] got = new byte[1][];
      Thread reader =
          new Thread(
              () -> {
                try {
                  got[0] = bytes(cache.get(d, failing()));
                } catch (IOException e) {
                  throw new AssertionError(e);
                }
              });
      reader.start();
      awaitParked(reader);
      claim.deliver(d, a, false);
      reader.join();
      assertThat(got[0]).isEqualTo(a);
      assertThat(cache.contains(d)).isTrue();
      assertThat(events)
          .extracting(CacheEvent::outcome, CacheEvent::prefetch)
          .containsExactlyInAnyOrder(
              org.assertj.core.groups.Tuple.tuple(CacheOutcome.FETCHED, true),
              org.assertj.core.groups.Tuple.tuple(CacheOutcome.JOINED, false));
      assertThat(cache.stats().fetches()).isEqualTo(1);
    }
  }

  @Test
  void abandonedChunkIsFetchedByItsWaitingReaderItself() throws Exception {
    byte[] a = chunk(5);
    byte[] b = chunk(6);
    Counting loader = new Counting(a, b);
    try (ChunkCache cache = ChunkCache.open(dir, 1 << 20)) {
      ChunkClaim claim = cache.claim(List.of(Digest.of(a), Digest.of(b)));
      List<Future<byte[]>> reads = new ArrayList<>();
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        for (int i = 0; i < 4; i++) {
          byte[] want = i % 2 == 0 ? a : b;
          reads.add(pool.submit(() -> bytes(cache.get(Digest.of(want), loader))));
        }
        claim.deliver(Digest.of(a), a, true);
        claim.close(); // the range fetch failed before b
        for (int i = 0; i < 4; i++) {
          assertThat(reads.get(i).get()).isEqualTo(i % 2 == 0 ? a : b);
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(loader.calls(Digest.of(a))).isZero();
      assertThat(loader.calls(Digest.of(b))).isEqualTo(1);
    }
  }

  @Test
  void wrongBytesAreNotStoredAndTheWaitingReaderFetchesTheRightOnes() throws Exception {
    byte[] a = chunk(7);
    Digest d = Digest.of(a);
    Counting loader = new Counting(a);
    try (ChunkCache cache = ChunkCache.open(dir, 1 << 20)) {
      ChunkClaim claim = cache.claim(List.of(d));
      Future<byte[]> read;
      ExecutorService pool = Executors.newSingleThreadExecutor();
      try {
        read = pool.submit(() -> bytes(cache.get(d, loader)));
        assertThatThrownBy(() -> claim.deliver(d, chunk(8), false))
            .isInstanceOf(DigestMismatchException.class);
        assertThat(read.get()).isEqualTo(a);
      } finally {
        pool.shutdownNow();
      }
      assertThat(loader.calls(d)).isEqualTo(1);
      assertThat(claim.isPending(d)).isFalse();
    }
  }

  @Test
  void aChunkIsDeliveredOrAbandonedOnlyOnce() throws Exception {
    byte[] a = chunk(9);
    Digest d = Digest.of(a);
    try (ChunkCache cache = ChunkCache.open(dir, 1 << 20)) {
      ChunkClaim claim = cache.claim(List.of(d));
      claim.deliver(d, a, true);
      assertThatThrownBy(() -> claim.deliver(d, a, true))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(d.toString());
      assertThatThrownBy(() -> claim.abandon(Digest.of(chunk(10))))
          .isInstanceOf(IllegalStateException.class);
      claim.close();
      assertThat(bytes(cache.get(d, failing()))).isEqualTo(a);
    }
  }

  @Test
  void fetchListenersHearOfDemandMissesBeforeTheLoaderRunsAndNotOfHits() throws Exception {
    byte[] a = chunk(11);
    Digest d = Digest.of(a);
    List<String> seen = new CopyOnWriteArrayList<>();
    try (ChunkCache cache = ChunkCache.open(dir, 1 << 20)) {
      cache.addListener(
          new CacheListener() {
            @Override
            public void onRequest(CacheEvent event) {
              seen.add("done " + event.outcome());
            }

            @Override
            public void onFetch(Digest digest, boolean prefetch) {
              seen.add("fetch " + digest.equals(d) + " " + prefetch);
            }
          });
      cache.get(
          d,
          x -> {
            seen.add("load");
            return a;
          });
      cache.get(d, failing());
      assertThat(seen).containsExactly("fetch true false", "load", "done FETCHED", "done HIT");
    }
  }

  @Test
  void manyReadersAndOverlappingClaimsFetchEveryChunkExactlyOnce() throws Exception {
    int n = 64;
    byte[][] chunks = new byte[n][];
    for (int i = 0; i < n; i++) {
      chunks[i] = chunk(100 + i);
    }
    Counting loader = new Counting(chunks);
    Map<Digest, AtomicInteger> delivered = new ConcurrentHashMap<>();
    try (ChunkCache cache = ChunkCache.open(dir, 16 << 20)) {
      ExecutorService pool = Executors.newFixedThreadPool(12);
      try {
        List<Future<?>> work = new ArrayList<>();
        for (int f = 0; f < 6; f++) {
          int from = f * 8;
          work.add(
              pool.submit(
                  () -> {
                    List<Digest> range = new ArrayList<>();
                    for (int i = from; i < from + 24 && i < n; i++) {
                      range.add(Digest.of(chunks[i]));
                    }
                    try (ChunkClaim claim = cache.claim(range)) {
                      int k = 0;
                      for (Digest d : claim.digests()) {
                        if (k++ % 5 == 4) {
                          continue; // left for close() to abandon
                        }
                        delivered.computeIfAbsent(d, x -> new AtomicInteger()).incrementAndGet();
                        claim.deliver(d, loader.data.get(d), false);
                      }
                    }
                    return null;
                  }));
        }
        for (int r = 0; r < 6; r++) {
          int seed = r;
          work.add(
              pool.submit(
                  () -> {
                    Random random = new Random(seed);
                    for (int i = 0; i < 200; i++) {
                      byte[] want = chunks[random.nextInt(n)];
                      assertThat(bytes(cache.get(Digest.of(want), loader))).isEqualTo(want);
                    }
                    return null;
                  }));
        }
        for (Future<?> w : work) {
          w.get();
        }
      } finally {
        pool.shutdownNow();
      }
      for (byte[] c : chunks) {
        Digest d = Digest.of(c);
        int total = loader.calls(d) + (delivered.containsKey(d) ? delivered.get(d).get() : 0);
        assertThat(total).as("fetches of %s", d).isLessThanOrEqualTo(1);
      }
      Set<Digest> inFlight = ConcurrentHashMap.newKeySet();
      for (byte[] c : chunks) {
        if (cache.isInFlight(Digest.of(c))) {
          inFlight.add(Digest.of(c));
        }
      }
      assertThat(inFlight).isEmpty();
    }
  }
}
