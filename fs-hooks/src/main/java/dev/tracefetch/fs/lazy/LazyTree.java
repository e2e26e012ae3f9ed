package dev.tracefetch.fs.lazy;

import dev.tracefetch.fs.image.InvalidImageException;
import dev.tracefetch.fs.image.MergedTree;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * The merged tree of a mounted image, which may only become known after the mount is up. An image
 * whose layers are all seekable (eStargz) has its tree at once, from the TOCs. A layer that is not
 * seekable (plain tar, tar+gzip, tar+zstd) has no index: its entries are known only once the whole
 * blob has been downloaded, and since any layer can add, replace or white out any path, nothing of
 * the merged tree can be shown before that. Such a tree is therefore resolved on the first access
 * to the mount, not at mount time: the first caller starts the resolution in a background thread
 * and every caller waits for the same result (single flight).
 *
 * <p>A waiting caller gives up with an {@link IOException} when the resolution fails or makes no
 * progress for the stall timeout (so a FUSE request never hangs on a dead registry); a failed
 * resolution is started afresh by the next access, except when the layers themselves are invalid,
 * which no retry can change. A slow but progressing download is waited for, like a pull.
 */
public final class LazyTree implements AutoCloseable {
  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  /** Computes the tree; may take long (downloads) and is interruptible. */
  @FunctionalInterface
  public interface Resolver {
    MergedTree resolve() throws IOException, InvalidImageException;
  }

  private final String what;
  private final Resolver resolver;
  private final LongSupplier progress;
  private final Duration stallTimeout;
  private final long sizeHint;
  private volatile MergedTree tree;
  private CompletableFuture<MergedTree> attempt; // guarded by this
  private Thread worker; // guarded by this
  private boolean closed; // guarded by this

  private LazyTree(
      String what,
      MergedTree tree,
      Resolver resolver,
      LongSupplier progress,
      Duration stallTimeout,
      long sizeHint) {
    this.what = what;
    this.tree = tree;
    this.resolver = resolver;
    this.progress = progress;
    this.stallTimeout = stallTimeout;
    this.sizeHint = sizeHint;
  }

  /** A tree known from the start. */
  public static LazyTree of(MergedTree tree) {
    Objects.requireNonNull(tree, "tree");
    return new LazyTree("image", tree, null, () -> 0, Duration.ofSeconds(1), tree.totalFileBytes());
  }

  /**
   * A tree computed by {@code resolver} on first use.
   *
   * @param what how messages name the image
   * @param progress a counter that grows while the resolver works (bytes downloaded)
   * @param stallTimeout how long a caller waits without progress before it fails
   * @param sizeHint bytes the image is expected to hold, for {@code statfs} before resolution
   */
  public static LazyTree deferred(
      String what, Resolver resolver, LongSupplier progress, Duration stallTimeout, long sizeHint) {
    Objects.requireNonNull(what, "what");
    Objects.requireNonNull(resolver, "resolver");
    Objects.requireNonNull(progress, "progress");
    if (stallTimeout.isNegative() || stallTimeout.isZero()) {
      throw new IllegalArgumentException("stall timeout must be positive, got " + stallTimeout);
    }
    return new LazyTree(what, null, resolver, progress, stallTimeout, Math.max(0, sizeHint));
  }

  /** The tree if it is already known; never blocks or starts anything. */
  public Optional<MergedTree> ifResolved() {
    return Optional.ofNullable(tree);
  }

  public boolean isResolved() {
    return tree != null;
  }

  /** Bytes the image holds: exact once resolved, the hint before. */
  public long sizeHint() {
    MergedTree t = tree;
    return t != null ? t.totalFileBytes() : sizeHint;
  }

  /**
   * The tree, resolving it first if needed (this may download layers).
   *
   * @throws IOException if the resolution failed, stalled for the stall timeout, or the layers do
   *     not form a valid image
   */
  public MergedTree get() throws IOException {
    MergedTree t = tree;
    if (t != null) {
      return t;
    }
    CompletableFuture<MergedTree> f = start();
    long seen = progress.getAsLong();
    long lastChange = System.nanoTime();
    while (true) {
      try {
        return f.get(POLL_NANOS, TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        long now = progress.getAsLong();
        if (now != seen) {
          seen = now;
          lastChange = System.nanoTime();
        } else if (System.nanoTime() - lastChange > stallTimeout.toNanos()) {
          throw new IOException(
              what
                  + ": the layers that are not eStargz are still being downloaded and made no"
                  + " progress for "
                  + stallTimeout);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while waiting for the tree of " + what);
      } catch (ExecutionException e) {
        Throwable c = e.getCause();
        if (c instanceof IOException io) {
          throw new IOException(what + ": " + io.getMessage(), io);
        }
        if (c instanceof InvalidImageException inv) {
          throw new IOException(what + ": invalid image: " + inv.getMessage(), inv);
        }
        throw new IOException(what + ": building the merged tree failed: " + c, c);
      }
    }
  }

  private synchronized CompletableFuture<MergedTree> start() throws IOException {
    if (closed) {
      throw new IOException(what + ": closed");
    }
    if (attempt != null && !retryable(attempt)) {
      return attempt;
    }
    CompletableFuture<MergedTree> f = new CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              try {
                MergedTree resolved = resolver.resolve();
                tree = resolved;
                f.complete(resolved);
              } catch (Throwable e) {
                f.completeExceptionally(e);
              }
            },
            "resolve-tree " + what);
    t.setDaemon(true);
    attempt = f;
    worker = t;
    t.start();
    return f;
  }

  /** A failed attempt is repeated unless the layers themselves were found invalid. */
  private static boolean retryable(CompletableFuture<MergedTree> f) {
    if (!f.isCompletedExceptionally()) {
      return false;
    }
    try {
      f.getNow(null);
      return false;
    } catch (RuntimeException e) {
      return !(e.getCause() instanceof InvalidImageException);
    }
  }

  /** Interrupts a resolution in progress; later calls to {@link #get} fail. */
  @Override
  public synchronized void close() {
    closed = true;
    if (worker != null) {
      worker.interrupt();
    }
  }

  @Override
  public String toString() {
    return "LazyTree[" + what + (tree != null ? ", resolved" : ", pending") + "]";
  }
}
