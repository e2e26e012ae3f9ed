package dev.tracefetch.fs.cache;

import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.image.DigestMismatchException;
import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.regex.Pattern;

/**
 * The node's content-addressed store of uncompressed chunks, keyed by chunk digest and shared by
 * all mounts, so a chunk that several images contain is fetched once. It stays under a size limit
 * by evicting least recently used entries, writes atomically (temp file + rename, so no reader sees
 * half an entry), stores only bytes that matched their SHA-256 digest and checks every entry it
 * reads back from disk against a CRC32C trailer (a corrupt entry is deleted and fetched again,
 * never served) and fetches a missing chunk once however many threads ask for it at the same time.
 * The directory survives restarts: opening rebuilds the LRU order from file times and removes temp
 * files left by dead processes.
 *
 * <p>With {@link ChunkCacheOptions#backgroundStores()} above 0, a fetched chunk is served from
 * memory at once and written by one background writer: until its entry is on disk the chunk is held
 * (and served) from a map of pending stores, so it is never fetched twice and never read
 * half-written; the entry still appears only by renaming a complete temp file. The backlog is
 * bounded: when it is full, the fetching thread stores the chunk itself. Closing waits for the
 * writer.
 *
 * <p>Layout: {@code DIR/sha256/ab/abcdef...} holds the chunk with digest {@code sha256:abcdef...}
 * followed by a 16-byte trailer (magic, length, CRC32C); sizes and the limit count whole files;
 * {@code DIR/tmp/PID-RANDOM.tmp} are writes in progress.
 *
 * <p>Returned buffers are read-only views; they stay valid after the entry is evicted.
 */
public final class ChunkCache implements Closeable {
  private static final System.Logger LOG = System.getLogger(ChunkCache.class.getName());
  private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

  /** How many times per limit's worth of stored bytes the LRU view is rebuilt from the disk. */
  private static final int RESCANS_PER_LIMIT = 16;

  /** Bytes a cache file adds to the chunk it holds (the trailer). */
  public static final int ENTRY_OVERHEAD = EntryFormat.TRAILER;

  private final Path directory;
  private final Path entriesDir;
  private final Path tmpDir;
  private final ChunkCacheOptions options;
  private final MemoryTier memory;
  private final long pid = ProcessHandle.current().pid();

  /** Entries on disk in LRU order (eldest first) with their sizes; guarded by {@code lock}. */
  private final LinkedHashMap<Digest, Long> lru = new LinkedHashMap<>(1024, 0.75f, true);

  private final Object lock = new Object();
  private long diskBytes; // guarded by lock
  private long storedSinceScan; // guarded by lock

  /** Last file time set by {@link #nextUseStamp}, in microseconds since the epoch. */
  private final AtomicLong lastUseStamp = new AtomicLong();

  private volatile boolean closed;

  /**
   * Held shared while a fetched chunk is handed to the disk (queued or written), exclusively by
   * {@link #close} once: so that a fetch still running when the cache closes (a read-ahead, a
   * prefetch) never writes into the directory after close returned.
   */
  private final ReentrantReadWriteLock storing = new ReentrantReadWriteLock();

  private final ConcurrentHashMap<Digest, CompletableFuture<Served>> inflight =
      new ConcurrentHashMap<>();
  private final List<CacheListener> listeners = new CopyOnWriteArrayList<>();

  private final LongAdder hits = new LongAdder();
  private final LongAdder memoryHits = new LongAdder();
  private final LongAdder fetches = new LongAdder();
  private final LongAdder joins = new LongAdder();
  private final LongAdder failures = new LongAdder();
  private final LongAdder corrupt = new LongAdder();
  private final LongAdder evictions = new LongAdder();
  private final LongAdder storeFailures = new LongAdder();
  private final LongAdder fetchedBytes = new LongAdder();

  /** Fetched chunks waiting for the background writer (served from here until on disk). */
  private final ConcurrentHashMap<Digest, byte[]> pendingStores = new ConcurrentHashMap<>();

  /** The background writer, or null when every fetch stores its chunk itself. */
  private final ThreadPoolExecutor writer;

  private ChunkCache(Path directory, ChunkCacheOptions options) {
    this.directory = directory;
    this.entriesDir = directory.resolve("sha256");
    this.tmpDir = directory.resolve("tmp");
    this.options = options;
    this.memory = new MemoryTier(options.maxMemoryBytes());
    this.writer = options.backgroundStores() == 0 ? null : newWriter(options.backgroundStores());
  }

  private static ThreadPoolExecutor newWriter(int queued) {
    ThreadPoolExecutor w =
        new ThreadPoolExecutor(
            1,
            1,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(queued),
            r -> {
              Thread t = new Thread(r, "chunk-cache-writer");
              t.setDaemon(true);
              return t;
            },
            new ThreadPoolExecutor.AbortPolicy()); // full: the caller stores itself
    w.allowCoreThreadTimeOut(true);
    return w;
  }

  /**
   * Opens (creating if needed) the cache in {@code directory}: removes stray temp files and foreign
   * files, rebuilds the LRU order from modification times, and evicts down to the limit.
   */
  public static ChunkCache open(Path directory, ChunkCacheOptions options) throws IOException {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(options, "options");
    ChunkCache cache = new ChunkCache(directory.toAbsolutePath(), options);
    cache.recover();
    return cache;
  }

  /** Opens with a disk limit and default options otherwise. */
  public static ChunkCache open(Path directory, long maxDiskBytes) throws IOException {
    return open(directory, ChunkCacheOptions.ofDiskLimit(maxDiskBytes));
  }

  public Path directory() {
    return directory;
  }

  public ChunkCacheOptions options() {
    return options;
  }

  /**
   * The verified bytes of chunk {@code digest}: from memory, else from disk, else by running {@code
   * loader} (once, however many threads ask concurrently) and storing the result.
   *
   * @throws DigestMismatchException if the loader returned bytes with another digest
   * @throws IOException if the loader failed or the wait for a concurrent fetch timed out
   */
  public ByteBuffer get(Digest digest, ChunkLoader loader) throws IOException {
    return ByteBuffer.wrap(request(digest, loader, false).data()).asReadOnlyBuffer();
  }

  /**
   * Makes sure chunk {@code digest} is cached, fetching it if needed, and says how: {@link
   * CacheOutcome#HIT} if it was cached already, {@link CacheOutcome#FETCHED} or {@link
   * CacheOutcome#JOINED} if this call or a concurrent one fetched it. Listeners see these requests
   * with {@code prefetch=true}.
   */
  public CacheOutcome prefetch(Digest digest, ChunkLoader loader) throws IOException {
    return request(digest, loader, true).outcome();
  }

  /**
   * True if the chunk is on disk now or being written there by the background writer (it may be
   * evicted right after).
   */
  public boolean contains(Digest digest) {
    if (pendingStores.containsKey(digest)) {
      return true;
    }
    synchronized (lock) {
      return lru.containsKey(digest);
    }
  }

  public void addListener(CacheListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  public void removeListener(CacheListener listener) {
    listeners.remove(listener);
  }

  public CacheStats stats() {
    long entries;
    long bytes;
    synchronized (lock) {
      entries = lru.size();
      bytes = diskBytes;
    }
    return new CacheStats(
        hits.sum(),
        memoryHits.sum(),
        fetches.sum(),
        joins.sum(),
        failures.sum(),
        corrupt.sum(),
        evictions.sum(),
        storeFailures.sum(),
        fetchedBytes.sum(),
        entries,
        bytes);
  }

  /**
   * Empties the cache: every entry on disk, also those other processes sharing the directory
   * stored, and the memory tier, after the background writer has stored what it holds. A fetch in
   * flight still completes and stores its chunk. For an operator whose node should start over, and
   * for benchmarks that need a cold cache under a running node daemon.
   *
   * @return the number of entries removed from disk
   */
  public long clear() throws IOException {
    try {
      awaitPendingStores(); // else a chunk on its way to disk would land after the clear
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while clearing " + directory);
    }
    long removed = 0;
    synchronized (lock) {
      memory.clear();
      for (Found f : scanEntries(false)) {
        if (Files.deleteIfExists(entryPath(f.digest()))) {
          removed++;
        }
      }
      lru.clear();
      diskBytes = 0;
    }
    return removed;
  }

  /**
   * Drops the memory tier; entries on disk stay for the next process, evicted down to the limit
   * counting what other processes sharing the directory stored.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    storing.writeLock().lock(); // waits for stores that began before closed was set
    storing.writeLock().unlock();
    if (writer != null) {
      writer.shutdown();
      try {
        if (!writer.awaitTermination(1, TimeUnit.MINUTES)) {
          LOG.log(Level.WARNING, "chunk cache writer of " + directory + " did not finish in time");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    memory.clear();
    try {
      resyncWithDisk();
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.WARNING, "could not bring " + directory + " under its size limit: " + e);
    }
  }

  // ---- request path --------------------------------------------------------------------------

  private record Served(byte[] data, CacheOutcome outcome) {}

  /** What an abandoned claim hands its joiners: "fetch it yourself". Compared by identity. */
  private static final Served ABANDONED = new Served(new byte[0], CacheOutcome.FAILED);

  private Served request(Digest digest, ChunkLoader loader, boolean prefetch) throws IOException {
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(loader, "loader");
    long start = System.nanoTime();
    while (true) {
      if (closed) {
        throw new IOException("chunk cache " + directory + " is closed");
      }
      byte[] data = memory.get(digest);
      if (data != null) {
        synchronized (lock) {
          lru.get(digest); // keeps the disk entry of a hot chunk young
        }
        hits.increment();
        memoryHits.increment();
        notify(digest, data.length, CacheOutcome.HIT, prefetch, start);
        return new Served(data, CacheOutcome.HIT);
      }
      // Everything past the memory tier (disk read + verification, or fetch) runs once per chunk
      // however many threads ask: FUSE readahead asks for the same 4 MiB chunk many times at once.
      CompletableFuture<Served> mine = new CompletableFuture<>();
      CompletableFuture<Served> running = inflight.putIfAbsent(digest, mine);
      if (running != null) {
        Served joined = join(digest, running, prefetch, start);
        if (joined != null) {
          return joined;
        }
        continue; // a range fetch gave up on this chunk: fetch it ourselves
      }
      try {
        Served served = loadOnce(digest, loader, prefetch);
        mine.complete(served);
        notify(digest, served.data().length, served.outcome(), prefetch, start);
        return served;
      } catch (IOException | RuntimeException | Error e) {
        failures.increment();
        mine.completeExceptionally(e);
        notify(digest, 0, CacheOutcome.FAILED, prefetch, start);
        throw e;
      } finally {
        inflight.remove(digest, mine);
      }
    }
  }

  /** Disk (verified) or else the loader; run by exactly one thread per chunk at a time. */
  private Served loadOnce(Digest digest, ChunkLoader loader, boolean prefetch) throws IOException {
    // A flight that ended between our memory check and putIfAbsent left the chunk in memory.
    byte[] data = memory.get(digest);
    CacheOutcome outcome = CacheOutcome.HIT;
    if (data == null) {
      data = pendingStores.get(digest);
    }
    if (data == null) {
      data = readVerified(digest);
    }
    if (data == null) {
      outcome = CacheOutcome.FETCHED;
      notifyFetch(digest, prefetch);
      data = fetch(digest, loader);
      storeSoon(digest, data);
    } else {
      hits.increment();
    }
    memory.put(digest, data);
    return new Served(data, outcome);
  }

  /** The leader's result, or null if it was a claim that was abandoned (the caller retries). */
  private Served join(
      Digest digest, CompletableFuture<Served> running, boolean prefetch, long start)
      throws IOException {
    try {
      Served leader = running.get(options.joinTimeout().toNanos(), TimeUnit.NANOSECONDS);
      if (leader == ABANDONED) {
        return null;
      }
      // Waiting for a disk read is still a hit; waiting for a fetch is a join.
      CacheOutcome outcome =
          leader.outcome() == CacheOutcome.HIT ? CacheOutcome.HIT : CacheOutcome.JOINED;
      if (outcome == CacheOutcome.HIT) {
        hits.increment();
      } else {
        joins.increment();
      }
      notify(digest, leader.data().length, outcome, prefetch, start);
      return new Served(leader.data(), outcome);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for chunk " + digest);
    } catch (TimeoutException e) {
      failures.increment();
      notify(digest, 0, CacheOutcome.FAILED, prefetch, start);
      throw new IOException(
          "timed out after " + options.joinTimeout() + " waiting for the fetch of chunk " + digest);
    } catch (ExecutionException e) {
      failures.increment();
      notify(digest, 0, CacheOutcome.FAILED, prefetch, start);
      throw new IOException(
          "fetch of chunk " + digest + " failed: " + e.getCause().getMessage(), e.getCause());
    }
  }

  private byte[] fetch(Digest digest, ChunkLoader loader) throws IOException {
    byte[] data = loader.load(digest);
    if (data == null) {
      throw new IOException("loader returned no data for chunk " + digest);
    }
    if (!loader.verifiesDigest()) {
      Digest actual = sha256(data);
      if (!actual.equals(digest)) {
        throw new DigestMismatchException("fetched chunk", digest, actual);
      }
    }
    fetches.increment();
    fetchedBytes.add(data.length);
    return data;
  }

  private void notifyFetch(Digest digest, boolean prefetch) {
    for (CacheListener l : listeners) {
      try {
        l.onFetch(digest, prefetch);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "cache listener " + l + " failed on the fetch of " + digest, e);
      }
    }
  }

  private void notify(Digest digest, long size, CacheOutcome outcome, boolean prefetch, long t0) {
    if (listeners.isEmpty()) {
      return;
    }
    CacheEvent event = new CacheEvent(digest, size, outcome, prefetch, System.nanoTime() - t0);
    for (CacheListener l : listeners) {
      try {
        l.onRequest(event);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "cache listener " + l + " failed on " + event, e);
      }
    }
  }

  // ---- claims (range fetches announcing the chunks they will deliver) ------------------------

  /**
   * Announces that the caller is about to fetch {@code digests} in one go (one range request that
   * holds several chunks), so that a read of one of them waits for that fetch instead of fetching
   * the chunk a second time. Chunks that are cached already or being fetched by someone else are
   * left out of the claim: the caller need not fetch them. Every claimed chunk must be {@link
   * ChunkClaim#deliver delivered} or {@link ChunkClaim#abandon abandoned}; closing the claim
   * abandons the rest. A reader waiting on an abandoned chunk fetches it itself, so a failed range
   * fetch never fails a read that could still be served.
   */
  public ChunkClaim claim(Collection<Digest> digests) throws IOException {
    Objects.requireNonNull(digests, "digests");
    if (closed) {
      throw new IOException("chunk cache " + directory + " is closed");
    }
    Map<Digest, CompletableFuture<Served>> claimed = new LinkedHashMap<>();
    for (Digest d : digests) {
      Objects.requireNonNull(d, "digest");
      if (claimed.containsKey(d) || memory.get(d) != null || contains(d)) {
        continue;
      }
      CompletableFuture<Served> f = new CompletableFuture<>();
      if (inflight.putIfAbsent(d, f) != null) {
        continue;
      }
      if (memory.get(d) != null || contains(d)) {
        // A fetch finished between the first check and the claim: nothing left to do.
        f.complete(ABANDONED);
        inflight.remove(d, f);
        continue;
      }
      claimed.put(d, f);
    }
    return new ChunkClaim(this, claimed.keySet());
  }

  /** Verifies (unless the caller did), stores and hands {@code data} to waiting readers. */
  void deliverClaimed(Digest digest, byte[] data, boolean verified, long t0) throws IOException {
    CompletableFuture<Served> f = inflight.get(digest);
    try {
      if (!verified) {
        Digest actual = sha256(data);
        if (!actual.equals(digest)) {
          throw new DigestMismatchException("prefetched chunk", digest, actual);
        }
      }
      fetches.increment();
      fetchedBytes.add(data.length);
      storeSoon(digest, data);
      memory.put(digest, data);
    } catch (IOException | RuntimeException e) {
      abandonClaimed(digest);
      throw e;
    }
    Served served = new Served(data, CacheOutcome.FETCHED);
    if (f != null) {
      f.complete(served);
      inflight.remove(digest, f);
    }
    notify(digest, data.length, CacheOutcome.FETCHED, true, t0);
  }

  /** Releases a claimed chunk undelivered; its waiters fetch it themselves. */
  void abandonClaimed(Digest digest) {
    CompletableFuture<Served> f = inflight.get(digest);
    if (f != null) {
      f.complete(ABANDONED);
      inflight.remove(digest, f);
    }
  }

  /** True while some request or claim is fetching {@code digest}. */
  public boolean isInFlight(Digest digest) {
    return inflight.containsKey(digest);
  }

  // ---- disk ----------------------------------------------------------------------------------

  Path entryPath(Digest digest) {
    String hex = digest.hex();
    return entriesDir.resolve(hex.substring(0, 2)).resolve(hex);
  }

  /** The entry's bytes if present and intact; deletes it and returns null if corrupt. */
  private byte[] readVerified(Digest digest) throws IOException {
    Path path = entryPath(digest);
    EntryFormat.Read read;
    try {
      read = EntryFormat.read(path);
    } catch (NoSuchFileException e) {
      forget(digest);
      return null;
    }
    if (read.data() == null) {
      corrupt.increment();
      LOG.log(
          Level.WARNING,
          "chunk cache entry "
              + path
              + " is corrupt ("
              + read.problem()
              + "); deleting it and fetching again");
      synchronized (lock) {
        Files.deleteIfExists(path);
        removeFromLru(digest);
      }
      return null;
    }
    byte[] data = read.data();
    synchronized (lock) {
      if (lru.get(digest) == null) {
        // Written by another process sharing the directory.
        addToLru(digest, data.length + EntryFormat.TRAILER);
      }
    }
    try {
      Files.setLastModifiedTime(path, nextUseStamp());
    } catch (NoSuchFileException e) {
      // evicted meanwhile; the bytes we hold are still good
    }
    return data;
  }

  private void forget(Digest digest) {
    synchronized (lock) {
      removeFromLru(digest);
    }
  }

  /**
   * Hands {@code data} to the background writer, or stores it now if there is none or its backlog
   * is full. Until it is on disk, {@link #loadOnce} serves it from {@link #pendingStores}.
   */
  private void storeSoon(Digest digest, byte[] data) {
    storing.readLock().lock();
    try {
      if (!closed) { // closed meanwhile: the caller is served from memory, nothing is written
        handToDisk(digest, data);
      }
    } finally {
      storing.readLock().unlock();
    }
  }

  private void handToDisk(Digest digest, byte[] data) {
    if (writer == null) {
      store(digest, data);
      return;
    }
    pendingStores.put(digest, data);
    try {
      writer.execute(
          () -> {
            try {
              store(digest, data);
            } catch (RuntimeException e) {
              storeFailures.increment();
              LOG.log(Level.WARNING, "could not store chunk " + digest + " in " + directory, e);
            } finally {
              pendingStores.remove(digest, data);
            }
          });
    } catch (RejectedExecutionException full) {
      try {
        store(digest, data);
      } finally {
        pendingStores.remove(digest, data);
      }
    }
  }

  /** The background writer, or null (for tests that need to hold it up). */
  ThreadPoolExecutor writer() {
    return writer;
  }

  /** Waits until the background writer has stored (or failed to store) every pending chunk. */
  void awaitPendingStores() throws InterruptedException {
    while (!pendingStores.isEmpty()) {
      Thread.sleep(1);
    }
  }

  private void store(Digest digest, byte[] data) {
    long onDisk = (long) data.length + EntryFormat.TRAILER;
    if (onDisk > options.maxDiskBytes()) {
      storeFailures.increment();
      return;
    }
    boolean rescan = false;
    Path tmp =
        tmpDir.resolve(
            pid + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
    try {
      try (FileChannel ch =
          FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer[] parts = {ByteBuffer.wrap(data), EntryFormat.trailer(data)};
        while (parts[1].hasRemaining()) {
          ch.write(parts);
        }
      }
      Path target = entryPath(digest);
      Files.createDirectories(target.getParent());
      synchronized (lock) {
        Files.setLastModifiedTime(tmp, nextUseStamp()); // a rename keeps it
        moveAtomically(tmp, target);
        addToLru(digest, onDisk);
        storedSinceScan += onDisk;
        rescan = storedSinceScan >= Math.max(options.maxDiskBytes() / RESCANS_PER_LIMIT, 1);
        if (rescan) {
          storedSinceScan = 0;
        }
      }
    } catch (IOException e) {
      storeFailures.increment();
      LOG.log(Level.WARNING, "could not store chunk " + digest + " in " + directory + ": " + e);
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // a stray temp file is removed at the next open
      }
    }
    if (rescan) {
      try {
        resyncWithDisk();
      } catch (IOException | RuntimeException e) {
        LOG.log(Level.WARNING, "could not rescan chunk cache " + directory + ": " + e);
      }
    }
  }

  /**
   * The time to mark an entry used with. The kernel stamps a written file from a coarse clock (one
   * scheduler tick, several milliseconds), so entries stored in quick succession would tie and
   * another process sharing the directory could not tell which is older; this stamp has the wall
   * clock's microseconds and strictly increases within the process.
   */
  private FileTime nextUseStamp() {
    Instant now = Instant.now();
    long micros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    long stamp = lastUseStamp.updateAndGet(last -> Math.max(last + 1, micros));
    return FileTime.from(stamp, TimeUnit.MICROSECONDS);
  }

  private static void moveAtomically(Path tmp, Path target) throws IOException {
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("cache directory does not support atomic rename: " + target, e);
    }
  }

  /** Caller holds {@code lock}. */
  private void addToLru(Digest digest, long size) {
    Long previous = lru.put(digest, size);
    diskBytes += size - (previous == null ? 0 : previous);
    Iterator<Map.Entry<Digest, Long>> it = lru.entrySet().iterator();
    while (diskBytes > options.maxDiskBytes() && it.hasNext()) {
      Map.Entry<Digest, Long> eldest = it.next();
      if (eldest.getKey().equals(digest) && lru.size() > 1) {
        continue;
      }
      try {
        Files.deleteIfExists(entryPath(eldest.getKey()));
      } catch (IOException e) {
        throw new UncheckedIOException("could not evict " + entryPath(eldest.getKey()), e);
      }
      diskBytes -= eldest.getValue();
      it.remove();
      evictions.increment();
    }
  }

  /** Caller holds {@code lock}. */
  private void removeFromLru(Digest digest) {
    Long size = lru.remove(digest);
    if (size != null) {
      diskBytes -= size;
    }
  }

  private void recover() throws IOException {
    Files.createDirectories(entriesDir);
    Files.createDirectories(tmpDir);
    try (DirectoryStream<Path> tmps = Files.newDirectoryStream(tmpDir)) {
      for (Path t : tmps) {
        if (isStray(t.getFileName().toString())) {
          Files.deleteIfExists(t);
        }
      }
    }
    List<Found> found = scanEntries(true);
    synchronized (lock) {
      for (Found f : found) {
        addToLru(f.digest(), f.size());
      }
    }
  }

  /** An entry file on disk. */
  private record Found(Digest digest, long size, FileTime time) {}

  /**
   * Every process sharing the directory stores and evicts by its own LRU view; this one learns of
   * the others' entries only when it reads them. So that the directory as a whole stays under the
   * limit, the view is rebuilt from the directory (others' entries placed by file time, which every
   * store and disk read sets) each time this process has stored 1/{@value #RESCANS_PER_LIMIT} of
   * the limit, and on close, then evicted down to the limit.
   */
  private void resyncWithDisk() throws IOException {
    Map<Digest, Found> onDisk = new LinkedHashMap<>();
    for (Found f : scanEntries(false)) {
      onDisk.put(f.digest(), f);
    }
    synchronized (lock) {
      // This process's entries keep their LRU order (memory hits move an entry without touching
      // its file); entries only others know are merged in by file time, an entry of ours counting
      // as used no earlier than any entry before it in our order. Vanished entries are forgotten.
      List<Found> mine = new ArrayList<>();
      for (Digest d : lru.keySet()) {
        Found f = onDisk.remove(d);
        if (f != null) {
          mine.add(f);
        }
      }
      List<Found> others = new ArrayList<>(onDisk.values()); // oldest first
      lru.clear();
      diskBytes = 0;
      FileTime used = FileTime.fromMillis(Long.MIN_VALUE);
      int m = 0;
      int o = 0;
      while (m < mine.size() || o < others.size()) {
        Found next;
        if (m < mine.size()) {
          FileTime mineUsed = max(used, mine.get(m).time());
          if (o < others.size() && others.get(o).time().compareTo(mineUsed) <= 0) {
            next = others.get(o++);
          } else {
            next = mine.get(m++);
            used = mineUsed;
          }
        } else {
          next = others.get(o++);
        }
        addToLru(next.digest(), next.size());
      }
    }
  }

  private static FileTime max(FileTime a, FileTime b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  /** Entries on disk, oldest first; {@code removeForeign} deletes files that are no entries. */
  private List<Found> scanEntries(boolean removeForeign) throws IOException {
    List<Found> found = new ArrayList<>();
    try (DirectoryStream<Path> fans = Files.newDirectoryStream(entriesDir)) {
      for (Path fan : fans) {
        if (!Files.isDirectory(fan)) {
          if (removeForeign) {
            Files.deleteIfExists(fan);
          }
          continue;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(fan)) {
          for (Path f : files) {
            String name = f.getFileName().toString();
            BasicFileAttributes a;
            try {
              a = Files.readAttributes(f, BasicFileAttributes.class);
            } catch (NoSuchFileException evictedMeanwhile) {
              continue;
            }
            if (!a.isRegularFile()
                || !HEX64.matcher(name).matches()
                || !name.startsWith(fan.getFileName().toString())) {
              if (removeForeign) {
                LOG.log(Level.WARNING, "removing foreign file from chunk cache: " + f);
                Files.deleteIfExists(f);
              }
              continue;
            }
            found.add(new Found(Digest.parse("sha256:" + name), a.size(), a.lastModifiedTime()));
          }
        }
      }
    }
    found.sort(Comparator.comparing(Found::time));
    return found;
  }

  /** A temp file is stray unless its name says it belongs to a live process. */
  private boolean isStray(String name) {
    int dash = name.indexOf('-');
    if (dash <= 0 || !name.endsWith(".tmp")) {
      return true;
    }
    try {
      long owner = Long.parseLong(name.substring(0, dash));
      return owner != pid && ProcessHandle.of(owner).map(p -> !p.isAlive()).orElse(true);
    } catch (NumberFormatException e) {
      return true;
    }
  }

  private static Digest sha256(byte[] data) {
    return Digest.of(data);
  }

  @Override
  public String toString() {
    return "ChunkCache[" + directory + "]";
  }
}
