package dev.tracefetch.recorder.trace;

import dev.tracefetch.fs.hooks.AccessRecorder;
import dev.tracefetch.fs.lazy.ImageFileSystem;
import dev.tracefetch.fs.lazy.LazyTree;
import dev.tracefetch.fs.ops.FileSystemOperations;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The recording point of a lazy mount: an {@link AccessRecorder} put between the image filesystem
 * and FUSE when the mount is assembled (see {@link #attach}), idle until {@link #start} and drained
 * by a background thread into a {@link TraceAssembler} so the recorder's bounded ring never fills
 * up during a long start. Shared by {@code record-trace} and runtime recording in the replayer.
 */
public final class RecordingTap {
  private static final long DRAIN_INTERVAL_MILLIS = 20;

  private final AtomicReference<AccessRecorder> recorder = new AtomicReference<>();
  private volatile LazyTree tree;
  private volatile Thread drainer;
  private volatile TraceAssembler assembler;
  private volatile boolean stopped;

  /** Decorates the mount's filesystem; pass as the mount's decorator. Recording starts off. */
  public FileSystemOperations attach(FileSystemOperations fs) {
    AccessRecorder r = new AccessRecorder(fs);
    r.setEnabled(false);
    if (!recorder.compareAndSet(null, r)) {
      throw new IllegalStateException("a recording tap decorates exactly one mount");
    }
    if (fs instanceof ImageFileSystem ifs) {
      tree = ifs.lazyTree();
    }
    return r;
  }

  /** The tree of the decorated filesystem, once attached to an image filesystem. */
  public Optional<LazyTree> tree() {
    return Optional.ofNullable(tree);
  }

  /** Turns recording on; events flow into {@code into} until {@link #stop}. */
  public synchronized void start(TraceAssembler into) {
    AccessRecorder r = recorder.get();
    if (r == null) {
      throw new IllegalStateException("the tap was never attached to a mount");
    }
    if (drainer != null) {
      throw new IllegalStateException("recording already started");
    }
    this.assembler = into;
    r.drain(e -> {}); // anything before the start is not part of the trace
    r.setEnabled(true);
    Thread t =
        new Thread(
            () -> {
              while (!stopped) {
                r.drain(into::add);
                try {
                  Thread.sleep(DRAIN_INTERVAL_MILLIS);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "trace-drain");
    t.setDaemon(true);
    t.start();
    drainer = t;
  }

  public boolean started() {
    return drainer != null;
  }

  /**
   * Turns recording off and hands the last events to the assembler. Idempotent.
   *
   * @return events lost to a full buffer
   */
  public synchronized long stop() {
    AccessRecorder r = recorder.get();
    if (r == null) {
      return 0;
    }
    r.setEnabled(false);
    stopped = true;
    Thread t = drainer;
    if (t != null) {
      t.interrupt();
      try {
        t.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      r.drain(assembler::add);
    }
    return r.dropped();
  }

  /** Events lost so far. */
  public long dropped() {
    AccessRecorder r = recorder.get();
    return r == null ? 0 : r.dropped();
  }
}
