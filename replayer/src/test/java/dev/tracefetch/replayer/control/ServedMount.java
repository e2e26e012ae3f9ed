package dev.tracefetch.replayer.control;

import dev.tracefetch.replayer.discovery.LookupResult;
import dev.tracefetch.replayer.discovery.MountedImage;
import dev.tracefetch.replayer.discovery.PlanDiscovery;
import dev.tracefetch.replayer.discovery.PlanLookup;
import dev.tracefetch.replayer.discovery.PlanQuery;
import dev.tracefetch.replayer.discovery.PlanSource;
import dev.tracefetch.replayer.discovery.TestPlans;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A replayer's control side as a test fixture: a fake engine behind the real coordinator, service
 * and Unix socket server, for the mount point {@code mountPoint} in {@code socketDir}. Its only
 * plan source is a store stand-in that has a plan for app "web" alone, and records which app each
 * request asked for.
 */
public final class ServedMount implements AutoCloseable {
  public final MountedImage image;
  public final FakeReplayControl engine = new FakeReplayControl();
  public final List<String> appsAsked = new CopyOnWriteArrayList<>();
  public final List<String> log = new CopyOnWriteArrayList<>();
  private final ReplayCoordinator coordinator;
  private final ControlServer server;

  public ServedMount(Path socketDir, Path mountPoint, String reference) throws Exception {
    image = TestPlans.image(reference, 2);
    PlanLookup store =
        (img, query) -> {
          appsAsked.add(String.valueOf(query.app()));
          return "web".equals(query.app())
              ? LookupResult.found(TestPlans.planFor(img, "web", 5), "store:test")
              : LookupResult.absent("no plan for app '" + query.app() + "'");
        };
    coordinator =
        new ReplayCoordinator(
            image,
            ControlSockets.canonical(mountPoint),
            engine,
            new PlanDiscovery(Map.of(PlanSource.STORE, store)),
            new PlanQuery(List.of(PlanSource.STORE), null, null, null, null),
            log::add);
    server =
        ControlServer.start(
            ControlSockets.forMountPoint(socketDir, mountPoint),
            new ReplayerControlService(coordinator));
  }

  /**
   * Waits (bounded) until a log line contains {@code fragment}: the coordinator logs after it
   * handed the plan to the engine, so a test that saw the start may still be ahead of the log.
   */
  public boolean awaitLog(String fragment, long seconds) throws InterruptedException {
    long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < until) {
      if (log.stream().anyMatch(l -> l.contains(fragment))) {
        return true;
      }
      Thread.sleep(20);
    }
    return log.stream().anyMatch(l -> l.contains(fragment));
  }

  public Path socket() {
    return server.socket();
  }

  @Override
  public void close() throws Exception {
    try {
      server.close();
    } finally {
      coordinator.close();
    }
  }
}
