package dev.tracefetch.replayer.control;

import dev.tracefetch.replayer.discovery.MountedImage;
import dev.tracefetch.replayer.discovery.PlanDiscovery;
import dev.tracefetch.replayer.discovery.PlanQuery;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Everything a mount needs at run time besides the file system: the coordinator that finds plans
 * and starts the engine, and the control socket through which the hook and {@code stats} reach it.
 * Started after the mount is up and closed before it is released (which removes the socket).
 */
public final class ReplayRuntime implements AutoCloseable {
  private final ReplayCoordinator coordinator;
  private final ControlServer server;

  private ReplayRuntime(ReplayCoordinator coordinator, ControlServer server) {
    this.coordinator = coordinator;
    this.server = server;
  }

  /**
   * Serves the control socket and, if {@code replayAtMount}, starts plan discovery at once (in the
   * background: the mount is usable meanwhile).
   *
   * @param socket the control socket to create
   * @throws IOException if the control socket cannot be served
   */
  public static ReplayRuntime start(
      MountedImage image,
      Path mountPoint,
      ReplayControl control,
      PlanDiscovery discovery,
      PlanQuery defaults,
      Path socket,
      boolean replayAtMount,
      Consumer<String> log)
      throws IOException {
    ReplayCoordinator coordinator =
        new ReplayCoordinator(image, mountPoint, control, discovery, defaults, log);
    ControlServer server;
    try {
      server = ControlServer.start(socket, new ReplayerControlService(coordinator));
    } catch (IOException e) {
      coordinator.close();
      throw e;
    }
    if (replayAtMount) {
      try {
        coordinator.start(ReplayCoordinator.StartRequest.defaults("mount"));
      } catch (ImageMismatchException e) {
        throw new IllegalStateException("a request without an image cannot mismatch", e);
      }
    }
    return new ReplayRuntime(coordinator, server);
  }

  /**
   * Serves the control socket of {@code coordinator}, which was created (and may already be
   * replaying) before the mount came up. Closing the runtime closes the coordinator too.
   *
   * @throws IOException if the control socket cannot be served (the coordinator is then closed)
   */
  public static ReplayRuntime serve(ReplayCoordinator coordinator, Path socket) throws IOException {
    try {
      return new ReplayRuntime(
          coordinator, ControlServer.start(socket, new ReplayerControlService(coordinator)));
    } catch (IOException e) {
      coordinator.close();
      throw e;
    }
  }

  public ReplayCoordinator coordinator() {
    return coordinator;
  }

  public Path socket() {
    return server.socket();
  }

  @Override
  public void close() throws IOException {
    try {
      server.close();
    } finally {
      coordinator.close();
    }
  }
}
