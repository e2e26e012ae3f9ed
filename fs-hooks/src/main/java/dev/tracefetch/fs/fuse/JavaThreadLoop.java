package dev.tracefetch.fs.fuse;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.Struct;
import jnr.ffi.byref.IntByReference;
import jnr.ffi.byref.PointerByReference;
import jnr.ffi.types.size_t;
import ru.serce.jnrfuse.struct.FuseOperations;

/**
 * libfuse 2's request loop with Java threads as its workers.
 *
 * <p>Why: {@code fuse_main}'s multi-threaded loop serves requests on threads libfuse creates
 * itself, and jffi attaches such a native thread to the JVM for every callback and detaches it
 * afterwards: each FUSE request (a lookup, an open, a read) then pays for creating and tearing down
 * a {@code java.lang.Thread}, about 150 µs, and gets fresh thread-locals. A Python start makes
 * thousands of requests, so that was most of what running through the mount cost. Here the same
 * steps {@code fuse_main} takes ({@code fuse_setup}, receive and process requests, {@code
 * fuse_teardown}) run on Java threads, which stay attached, so a callback is an ordinary call.
 */
final class JavaThreadLoop {
  private static final System.Logger LOG = System.getLogger(JavaThreadLoop.class.getName());
  private static final int EINTR = 4;
  private static final int EAGAIN = 11;

  /** Requests served at once, like libfuse's own loop (at most 10 idle workers). */
  static final int WORKERS = 10;

  /** The libfuse 2 session functions {@code fuse_main} is made of. */
  public interface LibFuseSession {
    Pointer fuse_setup(
        int argc,
        String[] argv,
        FuseOperations op,
        @size_t long opSize,
        PointerByReference mountpoint,
        IntByReference multithreaded,
        Pointer userData);

    void fuse_teardown(Pointer fuse, Pointer mountpoint);

    Pointer fuse_get_session(Pointer fuse);

    Pointer fuse_session_next_chan(Pointer session, Pointer chan);

    @size_t
    long fuse_chan_bufsize(Pointer chan);

    int fuse_chan_recv(PointerByReference chan, Pointer buf, @size_t long size);

    void fuse_session_process(Pointer session, Pointer buf, @size_t long len, Pointer chan);

    int fuse_session_exited(Pointer session);

    void fuse_session_exit(Pointer session);
  }

  private static volatile LibFuseSession lib;

  private JavaThreadLoop() {}

  private static LibFuseSession lib() {
    LibFuseSession l = lib;
    if (l == null) {
      l = LibraryLoader.create(LibFuseSession.class).failImmediately().load("fuse");
      lib = l;
    }
    return l;
  }

  /**
   * Mounts with {@code argv} and serves requests on the calling thread and {@code WORKERS - 1} more
   * until the filesystem is unmounted; returns 0, or 1 when libfuse could not mount or a worker
   * failed to read from the device (as {@code fuse_main} does).
   */
  static int run(String[] argv, FuseOperations operations, String threadName) {
    LibFuseSession fuse = lib();
    PointerByReference mountpoint = new PointerByReference();
    IntByReference multithreaded = new IntByReference();
    Pointer handle =
        fuse.fuse_setup(
            argv.length,
            argv,
            operations,
            Struct.size(operations),
            mountpoint,
            multithreaded,
            null);
    if (handle == null) {
      return 1;
    }
    Pointer session = fuse.fuse_get_session(handle);
    Pointer chan = fuse.fuse_session_next_chan(session, null);
    long bufsize = fuse.fuse_chan_bufsize(chan);
    AtomicBoolean failed = new AtomicBoolean();
    List<Thread> workers = new ArrayList<>();
    for (int i = 1; i < WORKERS; i++) {
      Thread worker =
          new Thread(() -> serve(fuse, session, chan, bufsize, failed), threadName + " #" + i);
      worker.setDaemon(true);
      worker.start();
      workers.add(worker);
    }
    serve(fuse, session, chan, bufsize, failed);
    for (Thread worker : workers) {
      try {
        worker.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    fuse.fuse_teardown(handle, mountpoint.getValue());
    return failed.get() ? 1 : 0;
  }

  /** One worker: receive a request, process it (the callbacks run here), until the session ends. */
  private static void serve(
      LibFuseSession fuse, Pointer session, Pointer chan, long bufsize, AtomicBoolean failed) {
    Pointer buf = Memory.allocateDirect(Runtime.getSystemRuntime(), (int) bufsize);
    PointerByReference ch = new PointerByReference(chan);
    while (fuse.fuse_session_exited(session) == 0) {
      int res = fuse.fuse_chan_recv(ch, buf, bufsize);
      if (res == -EINTR || res == -EAGAIN) {
        continue;
      }
      if (res <= 0) {
        if (res < 0) {
          LOG.log(Level.WARNING, "reading the FUSE device failed with errno " + -res);
          failed.set(true);
          fuse.fuse_session_exit(session);
        }
        break;
      }
      fuse.fuse_session_process(session, buf, res, ch.getValue());
    }
  }
}
