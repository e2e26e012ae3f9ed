package dev.tracefetch.fs.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.image.DigestMismatchException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChunkCacheTest {
  /** On-disk size of a 1000-byte chunk. */
  private static final int E = 1000 + ChunkCache.ENTRY_OVERHEAD;

  @TempDir Path dir;

  private static byte[] entryData(Path entry) throws IOException {
    EntryFormat.Read r = EntryFormat.read(entry);
    assertThat(r.problem()).isNull();
    return r.data();
  }

  private static byte[] chunk(int seed, int size) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static byte[] bytes(ByteBuffer buf) {
    byte[] out = new byte[buf.remaining()];
    buf.duplicate().get(out);
    return out;
  }

  /** A loader serving fixed chunks and counting calls per digest. */
  private static final class CountingLoader implements ChunkLoader {
    final Map<Digest, byte[]> chunks = new ConcurrentHashMap<>();
    final Map<Digest, AtomicInteger> calls = new ConcurrentHashMap<>();

    Digest add(byte[] data) {
      Digest d = Digest.of(data);
      chunks.put(d, data);
      return d;
    }

    int calls(Digest d) {
      AtomicInteger c = calls.get(d);
      return c == null ? 0 : c.get();
    }

    @Override
    public byte[] load(Digest digest) throws IOException {
      calls.computeIfAbsent(digest, k -> new AtomicInteger()).incrementAndGet();
      byte[] b = chunks.get(digest);
      if (b == null) {
        throw new IOException("no such chunk " + digest);
      }
      return b.clone();
    }
  }

  private ChunkCache open(long limit) throws IOException {
    return ChunkCache.open(dir, ChunkCacheOptions.ofDiskLimit(limit).withMaxMemoryBytes(0));
  }

  private List<Path> entryFiles() throws IOException {
    try (Stream<Path> s = Files.walk(dir.resolve("sha256"))) {
      return s.filter(Files::isRegularFile).toList();
    }
  }

  @Test
  void missFetchesStoresUnderTheDigestAndTheNextReadIsAHit() throws Exception {
    CountingLoader loader = new CountingLoader();
    byte[] data = chunk(1, 10_000);
    Digest d = loader.add(data);
    try (ChunkCache cache = open(1 << 20)) {
      assertThat(bytes(cache.get(d, loader))).isEqualTo(data);
      assertThat(bytes(cache.get(d, loader))).isEqualTo(data);

      assertThat(loader.calls(d)).isEqualTo(1);
      Path entry = dir.resolve("sha256").resolve(d.hex().substring(0, 2)).resolve(d.hex());
      assertThat(entryData(entry)).isEqualTo(data);
      assertThat(Files.size(entry)).isEqualTo(10_000 + ChunkCache.ENTRY_OVERHEAD);
      CacheStats s = cache.stats();
      assertThat(s.fetches()).isEqualTo(1);
      assertThat(s.hits()).isEqualTo(1);
      assertThat(s.entries()).isEqualTo(1);
      assertThat(s.diskBytes()).isEqualTo(10_000 + ChunkCache.ENTRY_OVERHEAD);
      assertThat(s.fetchedBytes()).isEqualTo(10_000);
    }
  }

  @Test
  void clearRemovesEveryEntryAlsoThoseOfAnotherCacheOnTheDirectoryAndTheNextReadFetches()
      throws Exception {
    CountingLoader loader = new CountingLoader();
    byte[] a = chunk(30, 5000);
    byte[] b = chunk(31, 6000);
    Digest da = loader.add(a);
    Digest db = loader.add(b);
    try (ChunkCache cache = open(1 << 20);
        ChunkCache other = open(1 << 20)) {
      cache.get(da, loader);
      other.get(db, loader);
      assertThat(entryFiles()).hasSize(2);

      assertThat(cache.clear()).isEqualTo(2);

      assertThat(entryFiles()).isEmpty();
      assertThat(cache.stats().entries()).isZero();
      assertThat(cache.stats().diskBytes()).isZero();
      assertThat(cache.contains(da)).isFalse();
      assertThat(bytes(cache.get(da, loader))).isEqualTo(a); // not from the memory tier either
      assertThat(loader.calls(da)).isEqualTo(2);
      assertThat(entryFiles()).hasSize(1);
    }
  }

  @Test
  void returnedBuffersAreReadOnly() throws Exception {
    CountingLoader loader = new CountingLoader();
    Digest d = loader.add(chunk(2, 100));
    try (ChunkCache cache = open(1 << 20)) {
      assertThat(cache.get(d, loader).isReadOnly()).isTrue();
    }
  }

  @Test
  void memoryTierServesRepeatedReadsWithoutTouchingTheLoader() throws Exception {
    CountingLoader loader = new CountingLoader();
    byte[] data = chunk(3, 4096);
    Digest d = loader.add(data);
    try (ChunkCache cache = ChunkCache.open(dir, 1 << 20)) {
      for (int i = 0; i < 5; i++) {
        assertThat(bytes(cache.get(d, loader))).isEqualTo(data);
      }
      assertThat(loader.calls(d)).isEqualTo(1);
      assertThat(cache.stats().memoryHits()).isEqualTo(4);
    }
  }

  @Test
  void wrongBytesFromTheLoaderAreNeitherServedNorStored() throws Exception {
    byte[] good = chunk(4, 1000);
    Digest d = Digest.of(good);
    AtomicInteger calls = new AtomicInteger();
    ChunkLoader lying =
        digest -> {
          calls.incrementAndGet();
          return chunk(5, 1000);
        };
    try (ChunkCache cache = open(1 << 20)) {
      assertThatThrownBy(() -> cache.get(d, lying))
          .isInstanceOf(DigestMismatchException.class)
          .hasMessageContaining(d.toString());
      assertThat(entryFiles()).isEmpty();
      assertThat(cache.contains(d)).isFalse();

      assertThat(bytes(cache.get(d, x -> good.clone()))).isEqualTo(good);
      assertThat(cache.stats().failures()).isEqualTo(1);
    }
    assertThat(calls).hasValue(1);
  }

  @Test
  void leastRecentlyUsedEntriesAreEvictedToStayUnderTheLimit() throws Exception {
    CountingLoader loader = new CountingLoader();
    Digest a = loader.add(chunk(10, 1000));
    Digest b = loader.add(chunk(11, 1000));
    Digest c = loader.add(chunk(12, 1000));
    Digest d = loader.add(chunk(13, 1000));
    try (ChunkCache cache = open(3 * E)) {
      cache.get(a, loader);
      cache.get(b, loader);
      cache.get(c, loader);
      cache.get(a, loader); // a is now younger than b
      cache.get(d, loader);

      assertThat(cache.contains(b)).isFalse();
      assertThat(cache.contains(a)).isTrue();
      assertThat(cache.contains(c)).isTrue();
      assertThat(cache.contains(d)).isTrue();
      assertThat(entryFiles()).hasSize(3);
      CacheStats s = cache.stats();
      assertThat(s.diskBytes()).isEqualTo(3 * E);
      assertThat(s.evictions()).isEqualTo(1);

      cache.get(b, loader);
      assertThat(loader.calls(b)).isEqualTo(2);
      assertThat(cache.contains(c)).isFalse(); // c was the eldest then
    }
  }

  @Test
  void entriesStoredInQuickSuccessionCarryDistinctFileTimesInStoreOrder() throws Exception {
    // Another process sharing the directory orders our entries by file time; the kernel's own
    // stamp is one scheduler tick coarse, so quick stores would tie.
    CountingLoader loader = new CountingLoader();
    List<Digest> digests = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      digests.add(loader.add(chunk(300 + i, 1000)));
    }
    try (ChunkCache cache = open(1 << 20)) {
      for (Digest d : digests) {
        cache.get(d, loader);
      }
      List<FileTime> times = new ArrayList<>();
      for (Digest d : digests) {
        times.add(Files.getLastModifiedTime(cache.entryPath(d)));
      }
      for (int i = 1; i < times.size(); i++) {
        assertThat(times.get(i)).as("file time of entry %d", i).isGreaterThan(times.get(i - 1));
      }
    }
  }

  @Test
  void cachesSharingADirectoryStayUnderTheLimitTogether() throws Exception {
    // Two processes on one node, each with its own view of the shared directory.
    CountingLoader loader = new CountingLoader();
    List<Digest> digests = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      digests.add(loader.add(chunk(100 + i, 1000)));
    }
    try (ChunkCache first = open(10 * E);
        ChunkCache second = open(10 * E)) {
      for (int i = 0; i < 40; i += 2) {
        first.get(digests.get(i), loader);
        second.get(digests.get(i + 1), loader);
        assertThat(entryFiles().size())
            .as("entries after %d stores", i + 2)
            .isLessThanOrEqualTo(10);
      }
      // Exactly the ten most recently stored entries survive, whoever stored them.
      assertThat(entryFiles())
          .extracting(p -> p.getFileName().toString())
          .containsExactlyInAnyOrderElementsOf(
              digests.subList(30, 40).stream().map(Digest::hex).toList());
      for (int i = 30; i < 40; i++) {
        assertThat(bytes(first.get(digests.get(i), loader)))
            .isEqualTo(loader.chunks.get(digests.get(i)));
      }
      assertThat(loader.calls(digests.get(39))).isEqualTo(1);
    }
    assertThat(entryFiles().size()).isLessThanOrEqualTo(10);
  }

  @Test
  void memoryHitsKeepTheDiskEntryYoung() throws Exception {
    CountingLoader loader = new CountingLoader();
    Digest a = loader.add(chunk(20, 1000));
    Digest b = loader.add(chunk(21, 1000));
    Digest c = loader.add(chunk(22, 1000));
    try (ChunkCache cache =
        ChunkCache.open(dir, ChunkCacheOptions.ofDiskLimit(2 * E).withMaxMemoryBytes(1 << 20))) {
      cache.get(a, loader);
      cache.get(b, loader);
      cache.get(a, loader); // memory hit
      cache.get(c, loader);

      assertThat(cache.contains(a)).isTrue();
      assertThat(cache.contains(b)).isFalse();
    }
  }

  private ChunkCache openWithWriter(long limit, int queued) throws IOException {
    return ChunkCache.open(
        dir,
        ChunkCacheOptions.ofDiskLimit(limit).withMaxMemoryBytes(0).withBackgroundStores(queued));
  }

  /** Occupies the background writer until the returned latch is counted down. */
  private static CountDownLatch holdWriter(ChunkCache cache) throws InterruptedException {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch running = new CountDownLatch(1);
    cache
        .writer()
        .execute(
            () -> {
              running.countDown();
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
    return release;
  }

  @Test
  void backgroundStoreServesTheChunkUntilItIsOnDiskAndNeverFetchesItTwice() throws Exception {
    CountingLoader loader = new CountingLoader();
    byte[] data = chunk(50, 10_000);
    Digest d = loader.add(data);
    try (ChunkCache cache = openWithWriter(1 << 20, 4)) {
      CountDownLatch release = holdWriter(cache);
      assertThat(bytes(cache.get(d, loader))).isEqualTo(data);
      assertThat(entryFiles()).as("not written while the writer is held").isEmpty();
      assertThat(cache.contains(d)).isTrue();
      // No memory tier: the second read is served from the pending store, not fetched again.
      assertThat(bytes(cache.get(d, loader))).isEqualTo(data);
      assertThat(loader.calls(d)).isEqualTo(1);
      assertThat(cache.stats().hits()).isEqualTo(1);

      release.countDown();
      cache.awaitPendingStores();
      assertThat(entryFiles()).hasSize(1);
      assertThat(entryData(entryFiles().get(0))).isEqualTo(data);
      assertThat(cache.stats().entries()).isEqualTo(1);
      assertThat(bytes(cache.get(d, loader))).isEqualTo(data);
      assertThat(loader.calls(d)).isEqualTo(1);
    }
  }

  @Test
  void aFullBacklogMakesTheFetchingThreadStoreItself() throws Exception {
    CountingLoader loader = new CountingLoader();
    byte[] a = chunk(51, 1000);
    byte[] b = chunk(52, 1000);
    Digest da = loader.add(a);
    Digest db = loader.add(b);
    try (ChunkCache cache = openWithWriter(1 << 20, 1)) {
      CountDownLatch release = holdWriter(cache);
      cache.get(da, loader); // waits in the (one-place) backlog
      cache.get(db, loader); // backlog full: stored before get returns
      assertThat(entryFiles()).hasSize(1);
      assertThat(entryData(cache.entryPath(db))).isEqualTo(b);
      assertThat(Files.exists(cache.entryPath(da))).isFalse();

      release.countDown();
      cache.awaitPendingStores();
      assertThat(entryData(cache.entryPath(da))).isEqualTo(a);
      assertThat(cache.stats().entries()).isEqualTo(2);
      assertThat(cache.stats().storeFailures()).isZero();
    }
  }

  @Test
  void aFetchThatEndsAfterCloseIsServedButNeverWritten() throws Exception {
    fetchEndingAfterClose(open(1 << 20)); // stores inline
    fetchEndingAfterClose(openWithWriter(1 << 20, 4)); // stores through the background writer
  }

  /** A read-ahead still fetching when its mount goes away: served, but nothing on disk. */
  private void fetchEndingAfterClose(ChunkCache cache) throws Exception {
    byte[] data = chunk(55, 5000);
    Digest d = Digest.of(data);
    CountDownLatch loading = new CountDownLatch(1);
    CountDownLatch closedNow = new CountDownLatch(1);
    ChunkLoader slow =
        digest -> {
          loading.countDown();
          try {
            closedNow.await();
          } catch (InterruptedException e) {
            throw new IOException(e);
          }
          return data.clone();
        };
    var fetch =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () -> {
              try {
                return bytes(cache.get(d, slow));
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    loading.await();
    cache.close();
    closedNow.countDown();
    assertThat(fetch.get()).isEqualTo(data);
    try (Stream<Path> all = Files.walk(dir)) {
      assertThat(all.filter(Files::isRegularFile).map(Path::toString).toList())
          .noneMatch(f -> f.endsWith(".tmp") || f.contains(d.hex()));
    }
  }

  @Test
  void closeWaitsForTheBackgroundWriter() throws Exception {
    CountingLoader loader = new CountingLoader();
    byte[] data = chunk(53, 5000);
    Digest d = loader.add(data);
    ChunkCache cache = openWithWriter(1 << 20, 4);
    CountDownLatch release = holdWriter(cache);
    cache.get(d, loader);
    Thread releaser =
        new Thread(
            () -> {
              try {
                Thread.sleep(200);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              release.countDown();
            });
    releaser.start();
    cache.close();
    releaser.join();
    assertThat(entryData(cache.entryPath(d))).isEqualTo(data);
    try (ChunkCache reopened = openWithWriter(1 << 20, 4)) {
      assertThat(bytes(reopened.get(d, loader))).isEqualTo(data);
      assertThat(loader.calls(d)).isEqualTo(1);
    }
  }

  @Test
  void backgroundStoresThatCannotBeWrittenAreCounted() throws Exception {
    CountingLoader loader = new CountingLoader();
    byte[] big = chunk(54, 5000);
    Digest d = loader.add(big);
    try (ChunkCache cache = openWithWriter(4000, 4)) {
      assertThat(bytes(cache.get(d, loader))).isEqualTo(big);
      cache.awaitPendingStores();
      assertThat(entryFiles()).isEmpty();
      assertThat(cache.stats().storeFailures()).isEqualTo(1);
      assertThat(cache.contains(d)).isFalse();
    }
  }

  @Test
  void chunkLargerThanTheWholeCacheIsServedButNotStored() throws Exception {
    CountingLoader loader = new CountingLoader();
    byte[] big = chunk(30, 5000);
    Digest d = loader.add(big);
    try (ChunkCache cache = open(4000)) {
      assertThat(bytes(cache.get(d, loader))).isEqualTo(big);
      assertThat(entryFiles()).isEmpty();
      assertThat(cache.stats().storeFailures()).isEqualTo(1);
    }
  }

  @Test
  void corruptEntryIsDetectedDeletedAndFetchedAgainNeverServed() throws Exception {
    CountingLoader loader = new CountingLoader();
    byte[] data = chunk(40, 8192);
    Digest d = loader.add(data);
    try (ChunkCache cache = open(1 << 20)) {
      cache.get(d, loader);
    }
    Path entry = entryFiles().get(0);
    byte[] flipped = Files.readAllBytes(entry);
    flipped[4000] ^= 1; // one bit of the data; the trailer still claims the old CRC
    Files.write(entry, flipped);

    try (ChunkCache cache = open(1 << 20)) {
      assertThat(bytes(cache.get(d, loader))).isEqualTo(data);
      assertThat(loader.calls(d)).isEqualTo(2);
      assertThat(cache.stats().corruptEntries()).isEqualTo(1);
      assertThat(entryData(entry)).isEqualTo(data);
    }

    Files.write(entry, data); // the bare chunk without its trailer
    try (ChunkCache cache = open(1 << 20)) {
      assertThat(bytes(cache.get(d, loader))).isEqualTo(data);
      assertThat(cache.stats().corruptEntries()).isEqualTo(1);
    }

    Files.write(entry, new byte[10]); // truncated
    try (ChunkCache cache = open(1 << 20)) {
      assertThat(bytes(cache.get(d, loader))).isEqualTo(data);
      assertThat(loader.calls(d)).isEqualTo(4);
    }
  }

  @Test
  void entryRemovedBehindTheCachesBackIsFetchedAgain() throws Exception {
    CountingLoader loader = new CountingLoader();
    Digest d = loader.add(chunk(41, 100));
    try (ChunkCache cache = open(1 << 20)) {
      cache.get(d, loader);
      Files.delete(entryFiles().get(0));

      cache.get(d, loader);
      assertThat(loader.calls(d)).isEqualTo(2);
      assertThat(cache.stats().entries()).isEqualTo(1);
    }
  }

  @Test
  void concurrentReadersOfAMissingChunkCauseExactlyOneFetch() throws Exception {
    int threads = 12;
    byte[] data = chunk(50, 64 * 1024);
    Digest d = Digest.of(data);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger calls = new AtomicInteger();
    ChunkLoader slow =
        digest -> {
          calls.incrementAndGet();
          try {
            release.await();
          } catch (InterruptedException e) {
            throw new IOException(e);
          }
          return data.clone();
        };
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Thread> workers = Collections.synchronizedList(new ArrayList<>());
    try (ChunkCache cache = open(1 << 20)) {
      CyclicBarrier start = new CyclicBarrier(threads);
      List<Future<byte[]>> results = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        results.add(
            pool.submit(
                () -> {
                  workers.add(Thread.currentThread());
                  start.await();
                  return bytes(cache.get(d, slow));
                }));
      }
      // Wait (without a clock) until every other reader is parked on the running fetch.
      while (parkedIn(workers, threads) < threads - 1 || calls.get() == 0) {
        Thread.onSpinWait();
        Thread.yield();
      }
      release.countDown();
      for (Future<byte[]> f : results) {
        assertThat(f.get(60, TimeUnit.SECONDS)).isEqualTo(data);
      }
      assertThat(calls).hasValue(1);
      CacheStats s = cache.stats();
      assertThat(s.fetches()).isEqualTo(1);
      assertThat(s.joins()).isEqualTo(threads - 1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void concurrentReadersOfACorruptEntryDetectItOnceAndFetchOnce() throws Exception {
    int threads = 8;
    byte[] data = chunk(51, 32 * 1024);
    Digest d = Digest.of(data);
    try (ChunkCache cache = open(1 << 20)) {
      cache.get(d, x -> data.clone());
    }
    Path entry = entryFiles().get(0);
    byte[] bad = Files.readAllBytes(entry);
    bad[0] ^= 1;
    Files.write(entry, bad);

    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger calls = new AtomicInteger();
    ChunkLoader slow =
        digest -> {
          calls.incrementAndGet();
          try {
            release.await();
          } catch (InterruptedException e) {
            throw new IOException(e);
          }
          return data.clone();
        };
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Thread> workers = Collections.synchronizedList(new ArrayList<>());
    try (ChunkCache cache = open(1 << 20)) {
      CyclicBarrier start = new CyclicBarrier(threads);
      List<Future<byte[]>> results = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        results.add(
            pool.submit(
                () -> {
                  workers.add(Thread.currentThread());
                  start.await();
                  return bytes(cache.get(d, slow));
                }));
      }
      while (parkedIn(workers, threads) < threads - 1 || calls.get() == 0) {
        Thread.yield();
      }
      release.countDown();
      for (Future<byte[]> f : results) {
        assertThat(f.get(60, TimeUnit.SECONDS)).isEqualTo(data);
      }
      assertThat(calls).hasValue(1);
      assertThat(cache.stats().corruptEntries()).isEqualTo(1);
      assertThat(entryData(entry)).isEqualTo(data);
    } finally {
      pool.shutdownNow();
    }
  }

  private static int parkedIn(List<Thread> workers, int expected) {
    if (workers.size() < expected) {
      return 0;
    }
    int n = 0;
    synchronized (workers) {
      for (Thread t : workers) {
        if (t.getState() == Thread.State.TIMED_WAITING) {
          n++;
        }
      }
    }
    return n;
  }

  @Test
  void failedFetchFailsItsJoinersAndTheNextRequestRetries() throws Exception {
    byte[] data = chunk(60, 100);
    Digest d = Digest.of(data);
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ChunkLoader failing =
        digest -> {
          entered.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            throw new IOException(e);
          }
          throw new IOException("registry said 503");
        };
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (ChunkCache cache = open(1 << 20)) {
      Future<?> leader = pool.submit(() -> cache.get(d, failing));
      entered.await();
      AtomicBoolean joinerStarted = new AtomicBoolean();
      Thread[] joinerThread = new Thread[1];
      Future<?> joiner =
          pool.submit(
              () -> {
                joinerThread[0] = Thread.currentThread();
                joinerStarted.set(true);
                return cache.get(d, x -> data);
              });
      while (!joinerStarted.get() || joinerThread[0].getState() != Thread.State.TIMED_WAITING) {
        Thread.yield();
      }
      release.countDown();
      assertThatThrownBy(leader::get).hasRootCauseMessage("registry said 503");
      assertThatThrownBy(joiner::get).hasMessageContaining("registry said 503");

      assertThat(bytes(cache.get(d, x -> data))).isEqualTo(data);
      assertThat(cache.stats().failures()).isEqualTo(2);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void noReaderEverSeesAHalfWrittenEntry() throws Exception {
    CountingLoader loader = new CountingLoader();
    List<Digest> digests = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      digests.add(loader.add(chunk(100 + i, 256 * 1024)));
    }
    AtomicBoolean done = new AtomicBoolean();
    AtomicInteger checked = new AtomicInteger();
    List<String> bad = Collections.synchronizedList(new ArrayList<>());
    Thread watcher =
        new Thread(
            () -> {
              while (!done.get()) {
                try {
                  for (Path p : entryFiles()) {
                    EntryFormat.Read r;
                    try {
                      r = EntryFormat.read(p);
                    } catch (IOException gone) {
                      continue; // evicted between listing and reading
                    }
                    if (r.data() == null) {
                      bad.add(p + ": " + r.problem());
                    } else if (!Digest.of(r.data()).hex().equals(p.getFileName().toString())) {
                      bad.add(p + " holds other content");
                    }
                    checked.incrementAndGet();
                  }
                } catch (IOException | java.io.UncheckedIOException e) {
                  // directory changed while walking
                }
              }
            });
    watcher.start();
    try (ChunkCache cache = open(8L * 256 * 1024)) {
      for (int round = 0; round < 3; round++) {
        for (Digest d : digests) {
          cache.get(d, loader);
        }
      }
    } finally {
      done.set(true);
      watcher.join();
    }
    assertThat(bad).isEmpty();
    assertThat(checked.get()).isPositive();
    try (Stream<Path> tmp = Files.list(dir.resolve("tmp"))) {
      assertThat(tmp).isEmpty();
    }
  }

  @Test
  void reopeningRebuildsStateRemovesStrayFilesAndKeepsLruOrder() throws Exception {
    CountingLoader loader = new CountingLoader();
    Digest a = loader.add(chunk(70, 1000));
    Digest b = loader.add(chunk(71, 1000));
    Digest c = loader.add(chunk(72, 1000));
    try (ChunkCache cache = open(1 << 20)) {
      cache.get(a, loader);
      cache.get(b, loader);
      cache.get(c, loader);
    }
    // Make the age order explicit: a oldest, c youngest.
    ChunkCache probe = open(1 << 20);
    Files.setLastModifiedTime(probe.entryPath(a), FileTime.fromMillis(1_000_000));
    Files.setLastModifiedTime(probe.entryPath(b), FileTime.fromMillis(2_000_000));
    Files.setLastModifiedTime(probe.entryPath(c), FileTime.fromMillis(3_000_000));
    probe.close();
    Path tmp = dir.resolve("tmp");
    Path deadWriter = Files.write(tmp.resolve("2147483646-dead.tmp"), new byte[] {1, 2});
    Path garbage = Files.write(tmp.resolve("garbage"), new byte[] {3});
    Path liveWriter = Files.write(tmp.resolve("1-init.tmp"), new byte[] {4});
    Path foreign = Files.createDirectories(dir.resolve("sha256/zz")).resolve("not-a-digest");
    Files.write(foreign, new byte[] {5});

    try (ChunkCache cache = open(2 * E)) {
      assertThat(deadWriter).doesNotExist();
      assertThat(garbage).doesNotExist();
      assertThat(liveWriter).exists();
      assertThat(foreign).doesNotExist();
      CacheStats s = cache.stats();
      assertThat(s.entries()).isEqualTo(2);
      assertThat(s.diskBytes()).isEqualTo(2 * E);
      assertThat(cache.contains(a)).isFalse(); // the oldest went to fit the smaller limit
      assertThat(cache.contains(b)).isTrue();
      assertThat(cache.contains(c)).isTrue();

      cache.get(b, loader);
      cache.get(c, loader);
      assertThat(loader.calls(b)).isEqualTo(1);
      assertThat(loader.calls(c)).isEqualTo(1);
    }
  }

  @Test
  void listenersSeeOutcomesAndWhetherTheRequestWasAPrefetch() throws Exception {
    CountingLoader loader = new CountingLoader();
    Digest a = loader.add(chunk(80, 10));
    Digest b = loader.add(chunk(81, 20));
    Digest missing = Digest.ofUtf8("not there");
    List<CacheEvent> events = Collections.synchronizedList(new ArrayList<>());
    try (ChunkCache cache = open(1 << 20)) {
      cache.addListener(events::add);
      cache.addListener(
          e -> {
            throw new IllegalStateException("a broken listener must not break reads");
          });

      assertThat(cache.prefetch(a, loader)).isEqualTo(CacheOutcome.FETCHED);
      assertThat(cache.prefetch(a, loader)).isEqualTo(CacheOutcome.HIT);
      cache.get(a, loader);
      cache.get(b, loader);
      assertThatThrownBy(() -> cache.get(missing, loader)).isInstanceOf(IOException.class);
    }
    assertThat(events)
        .extracting(CacheEvent::outcome, CacheEvent::prefetch, CacheEvent::size)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(CacheOutcome.FETCHED, true, 10L),
            org.assertj.core.groups.Tuple.tuple(CacheOutcome.HIT, true, 10L),
            org.assertj.core.groups.Tuple.tuple(CacheOutcome.HIT, false, 10L),
            org.assertj.core.groups.Tuple.tuple(CacheOutcome.FETCHED, false, 20L),
            org.assertj.core.groups.Tuple.tuple(CacheOutcome.FAILED, false, 0L));
  }

  @Test
  void joinTimeoutBoundsTheWaitForAnotherFetch() throws Exception {
    byte[] data = chunk(90, 10);
    Digest d = Digest.of(data);
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (ChunkCache cache =
        ChunkCache.open(
            dir, ChunkCacheOptions.ofDiskLimit(1 << 20).withJoinTimeout(Duration.ofMillis(50)))) {
      Future<?> leader =
          pool.submit(
              () ->
                  cache.get(
                      d,
                      x -> {
                        entered.countDown();
                        try {
                          release.await();
                        } catch (InterruptedException e) {
                          throw new IOException(e);
                        }
                        return data;
                      }));
      entered.await();
      assertThatThrownBy(() -> cache.get(d, x -> data))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("timed out");
      release.countDown();
      leader.get();
    } finally {
      pool.shutdownNow();
    }
  }
}
