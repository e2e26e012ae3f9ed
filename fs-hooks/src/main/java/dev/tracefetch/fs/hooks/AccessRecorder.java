package dev.tracefetch.fs.hooks;

import dev.tracefetch.fs.image.ChunkRef;
import dev.tracefetch.fs.ops.CallContext;
import dev.tracefetch.fs.ops.DirEntry;
import dev.tracefetch.fs.ops.Errno;
import dev.tracefetch.fs.ops.FileAttributes;
import dev.tracefetch.fs.ops.FileHandle;
import dev.tracefetch.fs.ops.FileSystemOperations;
import dev.tracefetch.fs.ops.ForwardingFileSystem;
import dev.tracefetch.fs.ops.FsException;
import dev.tracefetch.fs.ops.ReadSink;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Records open, read, stat, readlink and readdir as {@link AccessEvent}s while passing every
 * operation through unchanged. Events go into a bounded {@link EventRing}: recording never blocks a
 * read, and when the consumer falls behind the events that did not fit are counted in {@link
 * #dropped()} instead of disappearing silently. One consumer drains them with {@link #drain}.
 */
public final class AccessRecorder extends ForwardingFileSystem {
  /** Default ring size: about a minute of a busy start. */
  public static final int DEFAULT_CAPACITY = 1 << 16;

  private final EventRing<AccessEvent> ring;
  private final LongSupplier clock;
  private volatile boolean enabled = true;

  public AccessRecorder(FileSystemOperations delegate) {
    this(delegate, DEFAULT_CAPACITY, System::nanoTime);
  }

  /**
   * @param capacity ring size (rounded up to a power of two)
   * @param clock monotonic nanosecond clock
   */
  public AccessRecorder(FileSystemOperations delegate, int capacity, LongSupplier clock) {
    super(delegate);
    this.ring = new EventRing<>(capacity);
    this.clock = clock;
  }

  /** Turns recording on or off; operations pass through either way. */
  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public boolean isEnabled() {
    return enabled;
  }

  /** Hands up to {@code max} recorded events to {@code sink}, oldest first; returns the count. */
  public int drain(Consumer<? super AccessEvent> sink, int max) {
    return ring.drain(sink, max);
  }

  /** Hands all recorded events to {@code sink}, oldest first; returns the count. */
  public int drain(Consumer<? super AccessEvent> sink) {
    return ring.drain(sink);
  }

  /** Events lost because the buffer was full. A complete trace has 0. */
  public long dropped() {
    return ring.dropped();
  }

  /** Events recorded or dropped in total. */
  public long observed() {
    return ring.offered();
  }

  public int capacity() {
    return ring.capacity();
  }

  private void emit(
      long start,
      AccessKind kind,
      String path,
      long offset,
      long length,
      long result,
      int layer,
      List<ChunkRef> chunks,
      CallContext ctx,
      Errno error) {
    ring.offer(
        new AccessEvent(
            start,
            clock.getAsLong() - start,
            kind,
            path,
            offset,
            length,
            result,
            layer,
            chunks,
            ctx.pid(),
            error));
  }

  @Override
  public FileAttributes getattr(String path, CallContext ctx) throws FsException {
    if (!enabled) {
      return super.getattr(path, ctx);
    }
    long start = clock.getAsLong();
    try {
      FileAttributes a = super.getattr(path, ctx);
      emit(start, AccessKind.STAT, path, 0, 0, 0, a.layer(), List.of(), ctx, null);
      return a;
    } catch (FsException e) {
      emit(start, AccessKind.STAT, path, 0, 0, 0, -1, List.of(), ctx, e.errno());
      throw e;
    }
  }

  @Override
  public List<DirEntry> readdir(String path, CallContext ctx) throws FsException {
    if (!enabled) {
      return super.readdir(path, ctx);
    }
    long start = clock.getAsLong();
    try {
      List<DirEntry> entries = super.readdir(path, ctx);
      emit(start, AccessKind.READDIR, path, 0, 0, entries.size(), -1, List.of(), ctx, null);
      return entries;
    } catch (FsException e) {
      emit(start, AccessKind.READDIR, path, 0, 0, 0, -1, List.of(), ctx, e.errno());
      throw e;
    }
  }

  @Override
  public String readlink(String path, CallContext ctx) throws FsException {
    if (!enabled) {
      return super.readlink(path, ctx);
    }
    long start = clock.getAsLong();
    try {
      String target = super.readlink(path, ctx);
      emit(start, AccessKind.READLINK, path, 0, 0, 0, -1, List.of(), ctx, null);
      return target;
    } catch (FsException e) {
      emit(start, AccessKind.READLINK, path, 0, 0, 0, -1, List.of(), ctx, e.errno());
      throw e;
    }
  }

  @Override
  public FileHandle open(String path, int flags, CallContext ctx) throws FsException {
    if (!enabled) {
      return super.open(path, flags, ctx);
    }
    long start = clock.getAsLong();
    try {
      FileHandle h = super.open(path, flags, ctx);
      emit(start, AccessKind.OPEN, path, 0, 0, h.size(), h.layer(), List.of(), ctx, null);
      return h;
    } catch (FsException e) {
      emit(start, AccessKind.OPEN, path, 0, 0, 0, -1, List.of(), ctx, e.errno());
      throw e;
    }
  }

  @Override
  public int read(FileHandle handle, long offset, int length, ReadSink sink, CallContext ctx)
      throws FsException {
    if (!enabled) {
      return super.read(handle, offset, length, sink, ctx);
    }
    long start = clock.getAsLong();
    try {
      int n = super.read(handle, offset, length, sink, ctx);
      emit(
          start,
          AccessKind.READ,
          handle.path(),
          offset,
          length,
          n,
          handle.layer(),
          handle.chunksFor(offset, n),
          ctx,
          null);
      return n;
    } catch (FsException e) {
      emit(
          start,
          AccessKind.READ,
          handle.path(),
          offset,
          length,
          0,
          handle.layer(),
          handle.chunksFor(offset, length),
          ctx,
          e.errno());
      throw e;
    }
  }
}
