package dev.tracefetch.replayer.prefetch;

import dev.tracefetch.api.v1.ReplayPlan;
import dev.tracefetch.fs.cache.CacheEvent;
import dev.tracefetch.fs.cache.CacheListener;
import dev.tracefetch.fs.cache.ChunkCache;
import dev.tracefetch.fs.cache.ChunkClaim;
import dev.tracefetch.fs.lazy.ChunkReadAhead;
import dev.tracefetch.layer.estargz.ChunkDecoder;
import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.replayer.control.ReplayControl;
import dev.tracefetch.replayer.control.ReplayStatus;
import dev.tracefetch.replayer.control.ReplayStatus.State;
import dev.tracefetch.replayer.metrics.ReplayMetrics;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The prefetch engine of one mount: replays a plan by fetching its chunks into the mount's chunk
 * cache in plan order, several coalesced range requests at a time, while the application's own
 * reads go first. Each request claims its chunks in the cache before it is sent, so a read of one
 * of them waits for it instead of fetching the chunk again; a read of a planned chunk not yet sent
 * fetches it at once and pulls the chunks planned after it to the front of the queue. Every chunk
 * is decoded from the response and checked against its digest before it enters the cache; chunks
 * already cached are not requested. A failing registry costs the replay, never a read: failed
 * chunks are released to lazy loading, counted and logged, and after {@link
 * PrefetchSettings#maxConsecutiveFailures()} failed requests in a row the replay stops.
 */
public final class PrefetchEngine implements ReplayControl, AutoCloseable {
  private static final System.Logger LOG = System.getLogger(PrefetchEngine.class.getName());

  private final ImageChunks image;
  private final RangeSource ranges;
  private final ChunkCache cache;
  private final PrefetchSettings settings;
  private final ReplayMetrics metrics;
  private final TokenBucket bandwidth;
  private final ExecutorService workers;
  private final CacheListener listener;
  private final Object lock = new Object();
  private Run current; // guarded by lock
  private volatile ChunkReadAhead readAhead;
  private boolean closed; // guarded by lock

  public PrefetchEngine(
      ImageChunks image,
      RangeSource source,
      ChunkCache cache,
      PrefetchSettings settings,
      ReplayMetrics metrics) {
    this(image, source, cache, settings, metrics, false);
  }

  /**
   * @param sharedCache true when {@code cache} also serves other mounts (a node daemon): demand
   *     reads are then counted for this mount only if they are of this image's eStargz chunks, so
   *     one mount's reads do not show in another's hit ratio (a chunk two images share counts for
   *     both)
   */
  public PrefetchEngine(
      ImageChunks image,
      RangeSource source,
      ChunkCache cache,
      PrefetchSettings settings,
      ReplayMetrics metrics,
      boolean sharedCache) {
    java.util.function.Predicate<Digest> ours;
    if (sharedCache) {
      Set<Digest> digests = new HashSet<>();
      for (ImageChunks.Layer l : image.layers()) {
        l.chunks().forEach(c -> digests.add(c.chunkDigest()));
      }
      ours = digests::contains;
    } else {
      ours = d -> true;
    }
    this.image = Objects.requireNonNull(image, "image");
    this.ranges = Objects.requireNonNull(source, "source");
    this.cache = Objects.requireNonNull(cache, "cache");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.bandwidth = new TokenBucket(settings.bandwidthBytesPerSecond());
    AtomicInteger n = new AtomicInteger();
    this.workers =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "prefetch-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.listener =
        new CacheListener() {
          @Override
          public void onRequest(CacheEvent event) {
            if (ours.test(event.digest())) {
              metrics.demand(event);
            }
          }

          @Override
          public void onFetch(Digest digest, boolean prefetch) {
            if (!prefetch && ours.test(digest)) {
              Run run;
              synchronized (lock) {
                run = current;
              }
              if (run != null && run.state == State.RUNNING) {
                run.queue.demanded(digest);
              }
            }
          }
        };
    cache.addListener(listener);
  }

  public ImageChunks image() {
    return image;
  }

  public PrefetchSettings settings() {
    return settings;
  }

  public ReplayMetrics metrics() {
    return metrics;
  }

  /**
   * Suspends the mount's sequential read-ahead while a replay runs: the plan already fetches what
   * the start reads, in the order it reads it, and read-ahead would fetch chunks beyond the plan on
   * the same link (measured: 5-7 MB more per start of the benchmark's Node and JVM images). It
   * resumes when the replay ends, for the reads that come after the start.
   */
  public void suspendsWhileReplaying(ChunkReadAhead readAhead) {
    this.readAhead = readAhead;
  }

  @Override
  public void start(ReplayPlan plan, String source) {
    Objects.requireNonNull(plan, "plan");
    Objects.requireNonNull(source, "source");
    List<PlannedChunk> chunks = PlanResolver.resolve(plan, image);
    Run run =
        new Run(source, new FetchQueue(chunks, settings.gapBytes(), settings.maxRequestBytes()));
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("the prefetch engine of this mount is closed");
      }
      if (current != null) {
        current.cancel();
      }
      current = run;
      run.launch();
    }
    LOG.log(
        Level.INFO,
        "replaying "
            + source
            + " for "
            + image.manifestDigest()
            + ": "
            + chunks.size()
            + " chunks, "
            + settings.connections()
            + " connections");
  }

  /** Prefetches each eStargz layer's prioritized files (blob bytes before its landmark). */
  public void startLandmarks() {
    start(Plans.landmarks(image), Plans.LANDMARK_SOURCE);
  }

  /** Prefetches every chunk of every eStargz layer. */
  public void startEverything() {
    start(Plans.everything(image), Plans.EVERYTHING_SOURCE);
  }

  @Override
  public void cancel() {
    Run run;
    synchronized (lock) {
      run = current;
    }
    if (run != null) {
      run.cancel();
    }
  }

  /**
   * Waits until the current replay is no longer running (done, cancelled or failed); true if it
   * finished within {@code timeout}, or if there is none.
   */
  public boolean awaitFinished(Duration timeout) throws InterruptedException {
    Run run;
    synchronized (lock) {
      run = current;
    }
    return run == null || run.finished.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  @Override
  public ReplayStatus status() {
    Run run;
    synchronized (lock) {
      run = current;
    }
    if (run == null) {
      return new ReplayStatus(
          State.IDLE,
          "",
          0,
          0,
          0,
          0,
          0,
          metrics.demandHits(),
          metrics.demandJoined() + metrics.demandFetched(),
          metrics.usefulPrefetchedBytes(),
          0,
          "",
          metrics.precision(),
          metrics.recall());
    }
    return run.status();
  }

  /**
   * Compressed bytes of the current replay's chunks that are done (fetched, found cached, or given
   * up), and of all its chunks: for progress bars.
   */
  public Progress progress() {
    Run run;
    synchronized (lock) {
      run = current;
    }
    return run == null
        ? new Progress(0, 0)
        : new Progress(run.doneBytes.sum(), run.queue.compressedBytes());
  }

  /** Compressed bytes of a replay's chunks done and in total. */
  public record Progress(long doneBytes, long totalBytes) {}

  /** Cancels the replay and detaches from the cache; the cache itself stays open. */
  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
    }
    cancel();
    cache.removeListener(listener);
    workers.shutdownNow();
  }

  /** One replay of one plan. */
  private final class Run {
    final String source;
    final FetchQueue queue;
    final long started = System.nanoTime();
    final LongAdder prefetched = new LongAdder();
    final LongAdder skipped = new LongAdder();
    final LongAdder bytes = new LongAdder();
    final LongAdder requests = new LongAdder();
    final LongAdder errors = new LongAdder();
    final LongAdder doneBytes = new LongAdder();
    final AtomicInteger consecutiveFailures = new AtomicInteger();
    final AtomicBoolean firstByte = new AtomicBoolean();
    final CountDownLatch finished = new CountDownLatch(1);
    final AtomicBoolean holdsReadAhead = new AtomicBoolean();
    final List<Future<?>> futures = new ArrayList<>();
    // One per worker task: set by whoever gets it first, the task when it starts or cancel() when
    // the task never started (a task cancelled before it ran never reaches work()'s finally, so
    // cancel() must count it off itself or the run would never finish).
    final List<AtomicBoolean> taskStarts = new ArrayList<>();
    final AtomicInteger active = new AtomicInteger();
    volatile State state = State.RUNNING;
    volatile String lastError = "";

    Run(String source, FetchQueue queue) {
      this.source = source;
      this.queue = queue;
    }

    /** Caller holds the engine lock. */
    void launch() {
      int n = Math.max(1, Math.min(settings.connections(), queue.size()));
      if (queue.size() == 0) {
        state = State.DONE;
        finished.countDown();
        return;
      }
      ChunkReadAhead ahead = readAhead;
      if (ahead != null && holdsReadAhead.compareAndSet(false, true)) {
        ahead.suspend();
      }
      active.set(n);
      for (int i = 0; i < n; i++) {
        AtomicBoolean taken = new AtomicBoolean();
        taskStarts.add(taken);
        futures.add(
            workers.submit(
                () -> {
                  if (taken.compareAndSet(false, true)) {
                    work();
                  }
                }));
      }
    }

    void cancel() {
      synchronized (this) {
        if (state != State.RUNNING) {
          return;
        }
        state = State.CANCELLED;
      }
      int neverStarted = 0;
      for (AtomicBoolean taken : taskStarts) {
        if (taken.compareAndSet(false, true)) {
          neverStarted++;
        }
      }
      for (Future<?> f : futures) {
        f.cancel(true);
      }
      int left = neverStarted > 0 ? active.addAndGet(-neverStarted) : active.get();
      if (left == 0) {
        finish();
      }
    }

    void work() {
      try {
        while (state == State.RUNNING && !Thread.currentThread().isInterrupted()) {
          Optional<RangeRequest> next =
              queue.next(
                  d -> cache.contains(d) || cache.isInFlight(d),
                  c -> {
                    skipped.increment();
                    doneBytes.add(c.chunk().compressedLength());
                    metrics.skipped();
                  });
          if (next.isEmpty()) {
            break;
          }
          fetch(next.get());
        }
      } catch (RuntimeException | Error e) {
        fail("prefetch worker failed: " + e);
        LOG.log(Level.WARNING, "prefetch worker failed", e);
      } finally {
        if (active.decrementAndGet() == 0) {
          synchronized (this) {
            if (state == State.RUNNING && requests.sum() == 0 && errors.sum() > 0) {
              state = State.FAILED; // not one request got through
              LOG.log(Level.WARNING, "replay of " + source + " failed: " + lastError);
            } else if (state == State.RUNNING) {
              state = State.DONE;
              LOG.log(
                  Level.INFO,
                  "replay of "
                      + source
                      + " done: "
                      + prefetched.sum()
                      + " chunks prefetched, "
                      + skipped.sum()
                      + " already cached, "
                      + requests.sum()
                      + " requests, "
                      + errors.sum()
                      + " errors");
            }
          }
          finish();
        }
      }
    }

    /** The run is over: gives the read-ahead back (once) and wakes waiters. */
    private void finish() {
      ChunkReadAhead ahead = readAhead;
      if (ahead != null && holdsReadAhead.compareAndSet(true, false)) {
        ahead.resume();
      }
      finished.countDown();
    }

    private void fetch(RangeRequest r) {
      try {
        fetchOnce(r);
      } finally {
        doneBytes.add(r.chunks().stream().mapToLong(c -> c.chunk().compressedLength()).sum());
      }
    }

    private void fetchOnce(RangeRequest r) {
      Set<Digest> delivered = ConcurrentHashMap.newKeySet();
      ChunkClaim claim = null;
      try {
        bandwidth.acquire(r.length());
        if (state != State.RUNNING) {
          return;
        }
        claim = cache.claim(r.digests());
        if (claim.isEmpty()) {
          skipped.add(r.chunks().size());
          r.chunks().forEach(c -> metrics.skipped());
          return;
        }
        for (PlannedChunk c : r.chunks()) {
          if (claim.isPending(c.digest())) {
            metrics.claimed(c.digest(), c.chunk().chunkSize());
          }
        }
        String layerName = image.layers().get(r.layer()).digest().toString();
        long t0 = System.nanoTime();
        ChunkClaim claimed = claim;
        // Each chunk goes to the cache as soon as its bytes are in, not when the whole range is:
        // a read waiting for the first chunk of a 4 MiB request waits for that chunk only.
        streamWithDeadline(r, in -> deliverWhileArriving(r, in, claimed, layerName, delivered));
        long took = System.nanoTime() - t0;
        requests.increment();
        bytes.add(r.length());
        metrics.request(r.length(), took);
        consecutiveFailures.set(0);
      } catch (InterruptedIOException e) {
        if (state == State.RUNNING) {
          error("range request interrupted: " + e.getMessage());
        }
      } catch (IOException | RuntimeException e) {
        if (state != State.RUNNING) {
          return; // cancelled: the interrupted request is not an error
        }
        error(
            "range ["
                + r.offset()
                + ", +"
                + r.length()
                + ") of layer "
                + image.layers().get(r.layer()).digest()
                + ": "
                + e.getMessage());
        if (consecutiveFailures.incrementAndGet() >= settings.maxConsecutiveFailures()) {
          fail(
              settings.maxConsecutiveFailures()
                  + " prefetch requests failed in a row; the mount loads lazily from here on."
                  + " Last: "
                  + e.getMessage());
        }
      } finally {
        if (claim != null) {
          for (Digest d : claim.digests()) {
            if (!delivered.contains(d)) {
              metrics.unclaimed(d);
            }
          }
          claim.close();
        }
      }
    }

    /**
     * Reads the range from {@code in} into one buffer and hands each planned chunk to the cache as
     * soon as the buffer holds its end. Called again from the first byte if the source retries.
     */
    private void deliverWhileArriving(
        RangeRequest r, InputStream in, ChunkClaim claim, String layerName, Set<Digest> delivered)
        throws IOException {
      byte[] data = new byte[r.length()];
      int filled = 0;
      List<PlannedChunk> byEnd = new ArrayList<>(r.chunks());
      byEnd.sort(Comparator.comparingLong(PlannedChunk::end));
      for (PlannedChunk c : byEnd) {
        int end = (int) (c.end() - r.offset());
        if (filled < end) {
          filled += in.readNBytes(data, filled, end - filled);
          if (filled < end) {
            throw new IOException(
                "got " + filled + " bytes for a range of " + r.length() + " in layer " + r.layer());
          }
        }
        if (delivered.contains(c.digest())) {
          continue; // delivered by an earlier attempt of this request
        }
        deliver(c, data, (int) (c.offset() - r.offset()), claim, layerName, delivered);
      }
      if (filled < data.length
          && in.readNBytes(data, filled, data.length - filled) < data.length - filled) {
        throw new IOException(
            "the range of " + r.length() + " bytes in layer " + r.layer() + " ended early");
      }
    }

    /** One chunk of a request's bytes: decoded, verified and stored, or skipped if taken. */
    private void deliver(
        PlannedChunk c,
        byte[] data,
        int at,
        ChunkClaim claim,
        String layerName,
        Set<Digest> delivered) {
      if (!claim.isPending(c.digest())) {
        skipped.increment(); // cached or fetched by a read since the request was formed
        metrics.skipped();
        return;
      }
      try {
        byte[] plain =
            ChunkDecoder.decode(layerName, c.chunk(), data, at, (int) (c.end() - c.offset()));
        claim.deliver(c.digest(), plain, true);
        delivered.add(c.digest());
        prefetched.increment();
        metrics.prefetched(plain.length);
        if (firstByte.compareAndSet(false, true)) {
          metrics.firstByte(System.nanoTime() - started);
        }
      } catch (IllegalStateException e) {
        // The claim was closed meanwhile (deadline passed, replay cancelled): nothing to deliver.
      } catch (IOException e) {
        if (claim.isPending(c.digest())) {
          claim.abandon(c.digest());
        }
        error(c.chunk().describe() + " in layer " + layerName + ": " + e.getMessage());
      }
    }

    /** Streams the range into {@code sink}, or fails once the request deadline passes. */
    private void streamWithDeadline(RangeRequest r, RangeSource.Sink sink) throws IOException {
      Future<Void> f =
          workers.submit(
              () -> {
                ranges.stream(r.layer(), r.offset(), r.length(), sink);
                return null;
              });
      try {
        f.get(settings.requestTimeout().toNanos(), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        f.cancel(true);
        throw new IOException("no answer within " + settings.requestTimeout());
      } catch (InterruptedException e) {
        f.cancel(true);
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while fetching a range");
      } catch (ExecutionException e) {
        Throwable c = e.getCause();
        if (c instanceof IOException io) {
          throw io;
        }
        if (c instanceof RuntimeException re) {
          throw re;
        }
        throw new IOException(c.toString(), c);
      }
    }

    private void error(String message) {
      errors.increment();
      metrics.error();
      lastError = message;
      LOG.log(Level.WARNING, "prefetch (" + source + "): " + message);
    }

    private void fail(String message) {
      synchronized (this) {
        if (state != State.RUNNING) {
          return;
        }
        state = State.FAILED;
      }
      lastError = message;
      LOG.log(Level.WARNING, "replay of " + source + " stopped: " + message);
    }

    ReplayStatus status() {
      return new ReplayStatus(
          state,
          source,
          queue.size(),
          prefetched.sum(),
          skipped.sum(),
          bytes.sum(),
          requests.sum(),
          metrics.demandHits(),
          metrics.demandJoined() + metrics.demandFetched(),
          metrics.usefulPrefetchedBytes(),
          errors.sum(),
          lastError,
          metrics.precision(),
          metrics.recall());
    }
  }
}
