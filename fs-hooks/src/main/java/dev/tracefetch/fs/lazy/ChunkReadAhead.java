package dev.tracefetch.fs.lazy;

import dev.tracefetch.fs.image.ChunkKey;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fetches the next chunks of a file that is being read front to back, in the background. The kernel
 * reads ahead only 128 KiB on a FUSE mount, so without this a sequential read waits for every chunk
 * in turn; with it, the fetch (and decompression) of the next chunks overlaps with serving the
 * current one. Requests go through {@link ChunkReader#prefetch}, so a demand read of a chunk being
 * read ahead waits for that fetch instead of starting another. Never blocks the caller: when the
 * queue is full, a request is dropped.
 */
public final class ChunkReadAhead implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(ChunkReadAhead.class.getName());

  /**
   * Chunks fetched ahead of a sequential reader by default: 8 x 4 MiB keeps several range requests
   * (or disk reads and re-verifications of cached chunks) in flight, so a sequential read is not
   * bound by the latency of one fetch; it stays well inside the cache's 64 MiB memory tier.
   */
  public static final int DEFAULT_CHUNKS = 8;

  /** Background fetchers by default: enough to overlap waiting on the registry and on disk. */
  public static final int DEFAULT_THREADS = 4;

  private final ChunkReader reader;
  private final int chunks;
  private final ThreadPoolExecutor pool;
  private final AtomicInteger pending = new AtomicInteger();
  private final AtomicInteger suspensions = new AtomicInteger();

  /**
   * @param chunks how many chunks beyond the current one to fetch (0 disables read-ahead)
   * @param threads background fetchers
   */
  public ChunkReadAhead(ChunkReader reader, int chunks, int threads) {
    if (chunks < 0 || threads < 1) {
      throw new IllegalArgumentException("chunks must be >= 0 and threads >= 1");
    }
    this.reader = reader;
    this.chunks = chunks;
    AtomicInteger n = new AtomicInteger();
    this.pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(256),
            r -> {
              Thread t = new Thread(r, "chunk-readahead-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            },
            (r, executor) -> pending.decrementAndGet()); // full: drop, never block the reader
    this.pool.allowCoreThreadTimeOut(true);
  }

  /** {@value #DEFAULT_CHUNKS} chunks ahead on {@value #DEFAULT_THREADS} threads. */
  public static ChunkReadAhead withDefaults(ChunkReader reader) {
    return new ChunkReadAhead(reader, DEFAULT_CHUNKS, DEFAULT_THREADS);
  }

  /** No read-ahead at all. */
  public static ChunkReadAhead disabled(ChunkReader reader) {
    return new ChunkReadAhead(reader, 0, 1);
  }

  /** Chunks fetched beyond the one being read. */
  public int chunks() {
    return chunks;
  }

  /**
   * Stops reading ahead until as many {@link #resume()} calls: a replay plan that is prefetching
   * already knows which chunks the start reads, and read-ahead would only fetch more than that.
   */
  public void suspend() {
    suspensions.incrementAndGet();
  }

  /** Undoes one {@link #suspend()}. */
  public void resume() {
    suspensions.updateAndGet(n -> Math.max(0, n - 1));
  }

  /** Chunks to fetch ahead now: {@link #chunks()}, or 0 while suspended. */
  public int activeChunks() {
    return suspensions.get() > 0 ? 0 : chunks;
  }

  void submit(ChunkKey key) {
    pending.incrementAndGet();
    pool.execute(
        () -> {
          try {
            reader.prefetch(key);
          } catch (IOException | RuntimeException e) {
            // The demand read of this chunk will try again and report the error.
            LOG.log(Level.DEBUG, () -> "read-ahead of " + key + " failed: " + e);
          } finally {
            pending.decrementAndGet();
          }
        });
  }

  /** True when no read-ahead is queued or running (for tests). */
  boolean idle() {
    return pending.get() == 0;
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
