package dev.tracefetch.fs.fuse;

import dev.tracefetch.fs.ops.FileSystemOperations;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A live FUSE mount of a {@link FileSystemOperations}. {@link #mount} returns once the kernel has
 * accepted the mount (libfuse's {@code init} ran and {@code /proc/self/mountinfo} shows it); the
 * multi-threaded FUSE loop runs in a background thread until {@link #close} unmounts. A stale mount
 * left at the mountpoint by a killed process ("transport endpoint is not connected") is lazily
 * unmounted first, so a crash never blocks the next mount.
 */
public final class Mount implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(Mount.class.getName());
  private static final int BUSY_RETRIES = 10;

  /** Mounts of this process not closed yet; detached on JVM exit so none is left stale. */
  private static final Set<Mount> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  for (Mount m : LIVE) {
                    try {
                      runUnmount(m.mountPoint, true);
                    } catch (MountException | RuntimeException e) {
                      // best effort while the JVM exits; the next mount recovers a stale one
                    }
                  }
                },
                "tracefetch-unmount-on-exit"));
  }

  private final Path mountPoint;
  private final FuseAdapter adapter;
  private final Thread loop;
  private final CompletableFuture<Void> loopDone;
  private volatile boolean closed;

  private Mount(
      Path mountPoint, FuseAdapter adapter, Thread loop, CompletableFuture<Void> loopDone) {
    this.mountPoint = mountPoint;
    this.adapter = adapter;
    this.loop = loop;
    this.loopDone = loopDone;
  }

  /**
   * Mounts {@code ops} read-only at {@code mountPoint} (an existing directory).
   *
   * @throws MountException if the mountpoint is unusable or already has a live mount, or the kernel
   *     did not accept the mount within {@link MountOptions#mountTimeout()}
   */
  public static Mount mount(FileSystemOperations ops, Path mountPoint, MountOptions options)
      throws MountException {
    Objects.requireNonNull(ops, "ops");
    Objects.requireNonNull(options, "options");
    Path mp = mountPoint.toAbsolutePath().normalize();
    prepareMountPoint(mp);

    FuseAdapter adapter = new FuseAdapter(ops);
    CompletableFuture<Void> loopDone = new CompletableFuture<>();
    List<String> args = options.toFuseArgs();
    Thread loop =
        new Thread(
            () -> {
              try {
                int code = adapter.runLoop(mp, options.debug(), args);
                if (code == 0) {
                  loopDone.complete(null);
                } else {
                  loopDone.completeExceptionally(
                      new MountException("libfuse exited with code " + code));
                }
              } catch (Throwable t) {
                loopDone.completeExceptionally(t);
              }
            },
            "fuse-loop " + mp);
    loop.setDaemon(true);
    loop.start();

    long deadline = System.nanoTime() + options.mountTimeout().toNanos();
    try {
      while (!adapter.initialized().await(20, TimeUnit.MILLISECONDS)) {
        if (loopDone.isDone()) {
          throw new MountException(
              "mounting "
                  + mp
                  + " failed: libfuse gave up before the kernel sent INIT"
                  + causeOf(loopDone));
        }
        if (System.nanoTime() > deadline) {
          lazyUnmountQuietly(mp);
          throw new MountException("mounting " + mp + " timed out after " + options.mountTimeout());
        }
      }
      Optional<MountTable.Entry> entry = MountTable.find(mp);
      if (entry.isEmpty() || !entry.get().isFuse()) {
        throw new MountException(
            "mounting " + mp + ": FUSE started but /proc/self/mountinfo shows " + entry);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      lazyUnmountQuietly(mp);
      throw new MountException("interrupted while mounting " + mp, e);
    } catch (IOException e) {
      lazyUnmountQuietly(mp);
      throw new MountException("mounting " + mp + ": cannot read the mount table: " + e, e);
    }
    // INIT is served by the loop, so libfuse has installed its signal handlers by now.
    JvmSignals.reclaim();
    LOG.log(Level.INFO, "mounted " + mp + " with " + String.join(" ", args));
    Mount mount = new Mount(mp, adapter, loop, loopDone);
    LIVE.add(mount);
    return mount;
  }

  private static String causeOf(CompletableFuture<Void> f) {
    try {
      f.getNow(null);
      return " (mount loop ended without error; is /dev/fuse usable and the mountpoint free?)";
    } catch (RuntimeException e) {
      Throwable c = e.getCause() == null ? e : e.getCause();
      return ": " + c + (c.getCause() == null ? "" : " (" + c.getCause() + ")");
    }
  }

  private static void prepareMountPoint(Path mp) throws MountException {
    try {
      Optional<MountTable.Entry> existing = MountTable.find(mp);
      if (existing.isPresent() && existing.get().isFuse()) {
        if (isStale(mp)) {
          LOG.log(Level.WARNING, "releasing stale FUSE mount at " + mp + " left by a dead process");
          unmount(mp, true);
        } else {
          throw new MountException(
              "cannot mount at "
                  + mp
                  + ": a live FUSE filesystem ("
                  + existing.get().source()
                  + ") is already mounted there");
        }
      }
    } catch (IOException e) {
      throw new MountException("cannot read the mount table to check " + mp + ": " + e, e);
    }
    if (!Files.isDirectory(mp, LinkOption.NOFOLLOW_LINKS)) {
      throw new MountException("cannot mount at " + mp + ": not an existing directory");
    }
  }

  /** True when {@code mp} is a FUSE mount whose daemon is gone (stat says ENOTCONN). */
  static boolean isStale(Path mp) {
    try {
      Files.readAttributes(mp, "unix:ino", LinkOption.NOFOLLOW_LINKS);
      return false;
    } catch (FileSystemException e) {
      String reason = String.valueOf(e.getReason());
      return reason.contains("not connected");
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  /**
   * Lazily unmounts a stale FUSE mount left at {@code mountPoint} by a killed process; returns true
   * if there was one. A live mount is left alone.
   */
  public static boolean releaseStale(Path mountPoint) throws MountException {
    Path mp = mountPoint.toAbsolutePath().normalize();
    try {
      Optional<MountTable.Entry> e = MountTable.find(mp);
      if (e.isPresent() && e.get().isFuse() && isStale(mp)) {
        unmount(mp, true);
        return true;
      }
      return false;
    } catch (IOException e) {
      throw new MountException("cannot read the mount table to check " + mp + ": " + e, e);
    }
  }

  public Path mountPoint() {
    return mountPoint;
  }

  /** Files currently open through this mount. */
  public int openFiles() {
    return adapter.openFiles().size();
  }

  /** True while the kernel still has this filesystem mounted here and the loop runs. */
  public boolean isMounted() {
    if (closed || loopDone.isDone()) {
      return false;
    }
    try {
      return MountTable.isFuseMountedAt(mountPoint);
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Unmounts and waits for the FUSE loop to end. If the mount stays busy (a process still uses it)
   * it is detached lazily after a few retries, so the mountpoint is always released; the loop then
   * keeps serving the files that are still open and ends when the last one is closed.
   */
  @Override
  public void close() throws MountException {
    if (closed) {
      return;
    }
    closed = true;
    boolean detached = false;
    try {
      if (MountTable.isFuseMountedAt(mountPoint)) {
        detached = unmount(mountPoint, false);
      }
    } catch (IOException e) {
      throw new MountException("cannot read the mount table to unmount " + mountPoint, e);
    } finally {
      LIVE.remove(this);
    }
    try {
      loopDone.get(detached ? 1 : 30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MountException("interrupted waiting for the FUSE loop of " + mountPoint, e);
    } catch (ExecutionException e) {
      LOG.log(Level.WARNING, "FUSE loop of " + mountPoint + " ended with " + e.getCause());
    } catch (TimeoutException e) {
      if (detached) {
        LOG.log(
            Level.WARNING,
            "FUSE loop of "
                + mountPoint
                + " still serves files opened before the lazy unmount; it ends with the last one");
      } else {
        // The mountpoint is released (that is what callers rely on); a loop thread that lingers
        // is a leak worth a loud log line, not a reason to fail the caller.
        LOG.log(
            Level.WARNING,
            "FUSE loop of "
                + mountPoint
                + " did not end within 30 s after unmount:\n"
                + threadReport());
      }
    }
  }

  /**
   * Unmounts the FUSE filesystem at {@code mountPoint} (for {@code replayer umount}). With {@code
   * lazy} the mount is detached at once even if busy; otherwise a busy mount is retried a few times
   * and then detached lazily. Returns true if it had to detach lazily.
   */
  public static boolean unmount(Path mountPoint, boolean lazy) throws MountException {
    Path mp = mountPoint.toAbsolutePath().normalize();
    if (lazy) {
      runUnmount(mp, true);
      return true;
    }
    String lastError = "";
    for (int attempt = 0; attempt < BUSY_RETRIES; attempt++) {
      String err = runUnmount(mp, false);
      if (err == null) {
        return false;
      }
      lastError = err;
      if (!err.toLowerCase(java.util.Locale.ROOT).contains("busy")) {
        break;
      }
      try {
        Thread.sleep(100L * (attempt + 1));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    LOG.log(
        Level.WARNING,
        "unmounting " + mp + " failed (" + lastError.strip() + "); detaching it lazily");
    runUnmount(mp, true);
    return true;
  }

  /** Runs fusermount (or umount as a fallback); returns null on success, else the error text. */
  private static String runUnmount(Path mp, boolean lazy) throws MountException {
    List<List<String>> commands = new ArrayList<>();
    commands.add(
        lazy
            ? List.of("fusermount", "-u", "-z", mp.toString())
            : List.of("fusermount", "-u", mp.toString()));
    commands.add(lazy ? List.of("umount", "-l", mp.toString()) : List.of("umount", mp.toString()));
    StringBuilder errors = new StringBuilder();
    for (List<String> cmd : commands) {
      try {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          errors.append(String.join(" ", cmd)).append(": timed out; ");
          continue;
        }
        if (p.exitValue() == 0) {
          return null;
        }
        errors.append(String.join(" ", cmd)).append(": ").append(out.strip()).append("; ");
      } catch (IOException e) {
        errors.append(String.join(" ", cmd)).append(": ").append(e.getMessage()).append("; ");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new MountException("interrupted while unmounting " + mp, e);
      }
    }
    if (lazy) {
      throw new MountException("could not unmount " + mp + ": " + errors);
    }
    return errors.toString();
  }

  private static void lazyUnmountQuietly(Path mp) {
    try {
      if (MountTable.isFuseMountedAt(mp)) {
        runUnmount(mp, true);
      }
    } catch (IOException | MountException e) {
      LOG.log(Level.WARNING, "could not clean up half-made mount at " + mp + ": " + e);
    }
  }

  /** Native threads with their kernel wait channel, for diagnosing a loop that does not end. */
  private static String threadReport() {
    StringBuilder b = new StringBuilder();
    try (var tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path t : (Iterable<Path>) tasks::iterator) {
        String comm = Files.readString(t.resolve("comm")).strip();
        String wchan = Files.readString(t.resolve("wchan")).strip();
        if (!comm.startsWith("C2 ") && !comm.startsWith("GC ")) {
          b.append(t.getFileName()).append(' ').append(comm).append(' ').append(wchan).append('\n');
        }
      }
    } catch (IOException e) {
      b.append("(cannot list threads: ").append(e).append(")\n");
    }
    Thread.getAllStackTraces()
        .forEach(
            (t, st) -> {
              b.append('"').append(t.getName()).append("\" ").append(t.getState()).append('\n');
              for (int i = 0; i < Math.min(st.length, 12); i++) {
                b.append("    at ").append(st[i]).append('\n');
              }
            });
    return b.toString();
  }

  @Override
  public String toString() {
    return "Mount[" + mountPoint + (closed ? ", closed" : "") + "]";
  }
}
