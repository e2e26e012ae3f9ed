package dev.tracefetch.fs.lazy;

import dev.tracefetch.fs.image.ChunkKey;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Puts a hard deadline on every fetch of another {@link ChunkSource}: a read that has not finished
 * after the timeout fails with an {@link IOException} (so the FUSE read gets {@code EIO}) and the
 * fetch is interrupted. Guards the read path against a source whose own timeouts do not cover every
 * way of hanging (a stalled registry, a half-open connection).
 */
public final class TimeLimitedChunkSource implements ChunkSource, AutoCloseable {
  /** Default deadline of a single chunk fetch. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  private final ChunkSource delegate;
  private final Duration timeout;
  private final ExecutorService fetchers;

  public TimeLimitedChunkSource(ChunkSource delegate, Duration timeout) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, got " + timeout);
    }
    AtomicInteger n = new AtomicInteger();
    this.fetchers =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "chunk-fetch-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  @Override
  public byte[] read(ChunkKey key) throws IOException {
    Future<byte[]> f = fetchers.submit(() -> delegate.read(key));
    try {
      return f.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      throw new IOException("fetching " + key + " did not finish within " + timeout);
    } catch (InterruptedException e) {
      f.cancel(true);
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while fetching " + key);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof IOException io) {
        throw io;
      }
      throw new IOException("fetching " + key + " failed: " + c, c);
    }
  }

  @Override
  public boolean verifiesDigests() {
    return delegate.verifiesDigests();
  }

  @Override
  public void close() {
    fetchers.shutdownNow();
  }
}
