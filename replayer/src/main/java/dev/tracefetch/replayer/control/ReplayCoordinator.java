package dev.tracefetch.replayer.control;

import dev.tracefetch.api.v1.ReplayPlan;
import dev.tracefetch.oci.image.ImageReference;
import dev.tracefetch.replayer.discovery.DiscoveryResult;
import dev.tracefetch.replayer.discovery.FoundPlan;
import dev.tracefetch.replayer.discovery.MountedImage;
import dev.tracefetch.replayer.discovery.PlanDiscovery;
import dev.tracefetch.replayer.discovery.PlanQuery;
import dev.tracefetch.replayer.discovery.PlanSource;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One mount's replay life: turns "start replay" requests (at mount time, from the control socket,
 * from the OCI hook) into plan discovery followed by {@link ReplayControl#start}, off the caller's
 * thread, one discovery at a time. Callers never wait on the network unless they ask to. A request
 * whose plan is the one already running does not restart it.
 */
public final class ReplayCoordinator implements AutoCloseable {
  /** Discovery requests that may wait behind the running one; more are refused. */
  static final int QUEUE_CAPACITY = 8;

  private final MountedImage image;
  private final Path mountPoint;
  private final ReplayControl control;
  private final PlanDiscovery discovery;
  private final PlanQuery defaults;
  private final Consumer<String> log;
  private final ThreadPoolExecutor executor;

  private volatile String discoveryState = "not started";
  private PlanIdentity current; // guarded by this

  /**
   * @param image the mounted image every plan must fit
   * @param mountPoint where it is mounted (reported by status)
   * @param control the mount's prefetch engine
   * @param discovery how plans are found
   * @param defaults the mount's own plan settings, which requests may override
   * @param log where discovery outcomes and refusals are reported (one line each)
   */
  public ReplayCoordinator(
      MountedImage image,
      Path mountPoint,
      ReplayControl control,
      PlanDiscovery discovery,
      PlanQuery defaults,
      Consumer<String> log) {
    this.image = Objects.requireNonNull(image, "image");
    this.mountPoint = Objects.requireNonNull(mountPoint, "mountPoint");
    this.control = Objects.requireNonNull(control, "control");
    this.discovery = Objects.requireNonNull(discovery, "discovery");
    this.defaults = Objects.requireNonNull(defaults, "defaults");
    this.log = Objects.requireNonNull(log, "log");
    this.executor =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(QUEUE_CAPACITY),
            r -> {
              Thread t = new Thread(r, "replay-discovery " + mountPoint);
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * A request to (re)start replay; null or blank fields fall back to the mount's settings.
   *
   * @param order plan sources to try, or empty
   * @param replayFile replay file on the node, or null
   * @param storeUrl trace store, or null
   * @param app application name, or null
   * @param image image reference the requester believes is mounted, or null; a digest that is not
   *     the mounted manifest's refuses the request
   * @param requester who asks, for logs
   */
  public record StartRequest(
      List<PlanSource> order,
      Path replayFile,
      URI storeUrl,
      String app,
      String image,
      String requester) {
    public StartRequest {
      order = order == null ? List.of() : List.copyOf(order);
      requester = requester == null || requester.isBlank() ? "unknown" : requester;
    }

    /** The mount's own settings, asked for by {@code requester}. */
    public static StartRequest defaults(String requester) {
      return new StartRequest(List.of(), null, null, null, null, requester);
    }
  }

  /**
   * What a request led to.
   *
   * @param source where the plan came from, empty when none was found or it was refused
   * @param message one line for the requester's log
   */
  public record StartOutcome(String source, String message) {}

  /**
   * Queues discovery and replay for {@code request}; the future completes when the plan was found
   * and handed to the engine (or none was found).
   *
   * @throws ImageMismatchException when the request names a different image digest
   * @throws IllegalArgumentException when the request's settings are invalid
   * @throws RejectedExecutionException when too many requests wait, or the mount is closing
   */
  public Future<StartOutcome> start(StartRequest request) throws ImageMismatchException {
    checkImage(request.image());
    PlanQuery query =
        defaults.overriddenBy(
            request.order(), request.replayFile(), request.storeUrl(), request.app());
    return executor.submit(() -> discoverAndStart(query, request.requester()));
  }

  /** Cancels the running replay; returns whether one was running. */
  public boolean cancel(String requester) {
    boolean running = control.status().state() == ReplayStatus.State.RUNNING;
    control.cancel();
    log.accept("replay cancelled by " + requester + (running ? "" : " (none was running)"));
    return running;
  }

  /** The engine's status (see {@link #discoveryState()} for what discovery last did). */
  public ReplayStatus status() {
    return control.status();
  }

  /** What discovery last did, for status. */
  public String discoveryState() {
    return discoveryState;
  }

  public MountedImage image() {
    return image;
  }

  public Path mountPoint() {
    return mountPoint;
  }

  private StartOutcome discoverAndStart(PlanQuery query, String requester) {
    discoveryState = "searching (" + requester + ")";
    DiscoveryResult result = discovery.discover(image, query);
    String summary = result.summary();
    if (result.plan().isEmpty()) {
      discoveryState = summary;
      log.accept(summary);
      return new StartOutcome("", summary);
    }
    FoundPlan found = result.plan().get();
    PlanIdentity identity = PlanIdentity.of(found);
    synchronized (this) {
      if (identity.equals(current) && control.status().state() == ReplayStatus.State.RUNNING) {
        String message = "already replaying the plan from " + found.source();
        discoveryState = summary;
        return new StartOutcome(found.source(), message);
      }
      try {
        control.start(found.plan(), found.source());
      } catch (IllegalArgumentException e) {
        String message =
            "the engine refused the plan from " + found.source() + ": " + e.getMessage();
        discoveryState = message;
        log.accept(message);
        return new StartOutcome("", message);
      }
      current = identity;
    }
    discoveryState = summary;
    log.accept(summary + " (" + requester + ")");
    return new StartOutcome(found.source(), "replaying the plan from " + found.source());
  }

  private void checkImage(String requested) throws ImageMismatchException {
    if (requested == null || requested.isBlank()) {
      return;
    }
    String wanted = requested.strip();
    if (wanted.startsWith("sha256:")) {
      if (!wanted.equals(image.manifestDigest().toString())) {
        throw new ImageMismatchException(
            "image " + wanted + " is not the image mounted at " + mountPoint + " (" + image + ")");
      }
      return;
    }
    ImageReference ref;
    try {
      ref = ImageReference.parse(requested.strip());
    } catch (IllegalArgumentException e) {
      return; // a runtime's own naming we cannot parse: nothing to check against
    }
    if (ref.digest().isPresent() && !ref.digest().get().equals(image.manifestDigest())) {
      throw new ImageMismatchException(
          "image " + requested + " is not the image mounted at " + mountPoint + " (" + image + ")");
    }
  }

  /** Stops accepting requests and waits briefly for a running discovery. */
  @Override
  public void close() {
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private record PlanIdentity(String source, String manifestDigest, String app, long version) {
    static PlanIdentity of(FoundPlan found) {
      ReplayPlan p = found.plan();
      return new PlanIdentity(found.source(), p.getManifestDigest(), p.getApp(), p.getVersion());
    }
  }
}
