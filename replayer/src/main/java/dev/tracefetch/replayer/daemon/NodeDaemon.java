package dev.tracefetch.replayer.daemon;

import dev.tracefetch.fs.cache.ChunkCache;
import dev.tracefetch.fs.fuse.MountException;
import dev.tracefetch.fs.image.InvalidImageException;
import dev.tracefetch.oci.image.ImageReference;
import dev.tracefetch.oci.registry.RegistryClient;
import dev.tracefetch.replayer.control.ControlSockets;
import dev.tracefetch.replayer.metrics.CacheMetrics;
import dev.tracefetch.replayer.session.MountSession;
import dev.tracefetch.replayer.session.MountSpec;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * The mounts of one node daemon on its one chunk cache: mounts and unmounts on request, notices
 * mounts released from outside ({@code fusermount -u}) and closes their sessions, and unmounts
 * everything when closed. Mount requests for different mount points run in parallel; a mount point
 * is served at most once.
 */
public final class NodeDaemon implements AutoCloseable {
  /** A registry client for an image's registry, with the node's credentials. */
  @FunctionalInterface
  public interface Clients {
    RegistryClient forImage(ImageReference reference) throws IOException;
  }

  /** Thrown when a mount request cannot be served (the message says why). */
  public static final class MountRefusedException extends Exception {
    MountRefusedException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final ChunkCache cache;
  private final Clients clients;
  private final PrintStream log;
  private final Runnable afterMount;
  private final Map<Path, Optional<MountSession>> sessions = new LinkedHashMap<>(); // guarded
  private final ScheduledExecutorService reaper;
  private boolean closed; // guarded by this

  /**
   * @param cache the shared cache; closed with the daemon
   * @param afterMount run after each FUSE mount came up (libfuse takes the process's signal
   *     handlers while mounting; the daemon's command takes them back)
   */
  public NodeDaemon(ChunkCache cache, Clients clients, PrintStream log, Runnable afterMount) {
    this.cache = cache;
    this.clients = clients;
    this.log = log;
    this.afterMount = afterMount;
    this.reaper =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "daemon-reaper");
              t.setDaemon(true);
              return t;
            });
    reaper.scheduleWithFixedDelay(this::reapReleased, 1, 1, TimeUnit.SECONDS);
  }

  public ChunkCache cache() {
    return cache;
  }

  /**
   * Mounts {@code spec} on the shared cache and returns the session once the mount is up.
   *
   * @throws MountRefusedException if the mount point is served already or the mount fails
   */
  public MountSession mount(MountSpec spec) throws MountRefusedException {
    return mount(spec, UnaryOperator.identity());
  }

  /** As above with a filesystem decorator (tests). */
  MountSession mount(
      MountSpec spec, UnaryOperator<dev.tracefetch.fs.ops.FileSystemOperations> decorator)
      throws MountRefusedException {
    Path key = ControlSockets.canonical(spec.mountPoint());
    synchronized (this) {
      if (closed) {
        throw new MountRefusedException("the daemon is shutting down", null);
      }
      if (sessions.containsKey(key)) {
        throw new MountRefusedException("the daemon already serves a mount at " + key, null);
      }
      sessions.put(key, Optional.empty()); // reserved while mounting
    }
    MountSession session;
    try {
      session =
          MountSession.open(
              spec,
              clients.forImage(spec.reference()),
              cache.directory(),
              Long.MAX_VALUE,
              cache,
              line -> log.println("replayer daemon: " + spec.mountPoint() + ": " + line),
              log,
              decorator);
    } catch (IOException | InvalidImageException | MountException | RuntimeException e) {
      synchronized (this) {
        sessions.remove(key);
      }
      throw new MountRefusedException(
          "cannot mount " + spec.reference() + " at " + spec.mountPoint() + ": " + message(e), e);
    } finally {
      afterMount.run();
    }
    boolean closing;
    synchronized (this) {
      closing = closed;
      if (!closing) {
        sessions.put(key, Optional.of(session));
      }
    }
    if (closing) {
      closeQuietly(session);
      throw new MountRefusedException("the daemon is shutting down", null);
    }
    log.printf(
        "replayer daemon: mounted %s (%s) at %s, control socket %s%n",
        spec.reference(),
        session.manifest().digest(),
        session.mountPoint(),
        session.controlSocket());
    return session;
  }

  /**
   * Unmounts what the daemon serves at {@code mountPoint}; false if it serves nothing there.
   *
   * @throws IOException if unmounting failed
   */
  public boolean unmount(Path mountPoint) throws IOException {
    Path key = ControlSockets.canonical(mountPoint);
    Optional<MountSession> session;
    synchronized (this) {
      session = sessions.get(key);
      if (session == null || session.isEmpty()) {
        return false;
      }
      sessions.remove(key);
    }
    session.get().close();
    log.println("replayer daemon: unmounted " + key);
    return true;
  }

  /**
   * Empties the shared cache, on disk and in memory, so the next mount starts cold (an operator
   * starting over, a benchmark measuring cold starts under a running daemon). Refused while any
   * mount is served or coming up: their reads would silently refetch.
   *
   * @return the number of entries removed
   * @throws MountRefusedException naming the mounts still served
   */
  public long clearCache() throws MountRefusedException, IOException {
    synchronized (this) {
      if (!sessions.isEmpty()) {
        throw new MountRefusedException(
            "the daemon still serves "
                + sessions.size()
                + " mount(s) ("
                + String.join(", ", sessions.keySet().stream().map(Path::toString).toList())
                + "); unmount them before clearing the cache",
            null);
      }
      long removed = cache.clear();
      log.println("replayer daemon: cache cleared (" + removed + " entries removed)");
      return removed;
    }
  }

  /** The mounts served now (not those still coming up). */
  public synchronized List<MountSession> mounts() {
    List<MountSession> out = new ArrayList<>();
    sessions.values().forEach(s -> s.ifPresent(out::add));
    return out;
  }

  /**
   * The Prometheus text of all mounts, each series labelled with its mount point, and of the shared
   * cache once.
   */
  public String prometheusText() {
    return PrometheusText.merge(mounts().stream().map(MountSession::prometheusText).toList())
        + CacheMetrics.prometheusText(cache.directory().toString(), cache.stats());
  }

  private void reapReleased() {
    List<Path> gone = new ArrayList<>();
    synchronized (this) {
      sessions.forEach(
          (k, s) -> {
            if (s.isPresent() && !s.get().isMounted()) {
              gone.add(k);
            }
          });
    }
    for (Path k : gone) {
      Optional<MountSession> s;
      synchronized (this) {
        s = sessions.remove(k);
      }
      if (s != null && s.isPresent()) {
        log.println("replayer daemon: " + k + " was unmounted from outside; releasing it");
        closeQuietly(s.get());
      }
    }
  }

  private void closeQuietly(MountSession s) {
    try {
      s.close();
    } catch (IOException | RuntimeException e) {
      log.println("replayer daemon: releasing " + s.mountPoint() + ": " + message(e));
    }
  }

  /** Unmounts every mount, then closes the cache. */
  @Override
  public void close() {
    List<MountSession> all;
    synchronized (this) {
      closed = true;
      all = mounts();
      sessions.clear();
    }
    reaper.shutdownNow();
    for (MountSession s : all) {
      closeQuietly(s);
      log.println("replayer daemon: unmounted " + s.mountPoint());
    }
    cache.close();
  }

  private static String message(Exception e) {
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }
}
