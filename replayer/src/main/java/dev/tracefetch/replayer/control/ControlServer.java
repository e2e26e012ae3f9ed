package dev.tracefetch.replayer.control;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Serves the control API of one mount on a Unix domain socket. Only the owner may connect: the
 * socket's directory is created 0700 and the socket is made 0600 right after binding. A socket left
 * behind by a killed replayer is replaced; one that still answers belongs to a live replayer and is
 * never taken over. Closing stops the server and removes the socket file.
 */
public final class ControlServer implements AutoCloseable {
  private final Path socket;
  private final Server server;
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final ExecutorService executor;

  private ControlServer(
      Path socket,
      Server server,
      EventLoopGroup boss,
      EventLoopGroup workers,
      ExecutorService executor) {
    this.socket = socket;
    this.server = server;
    this.boss = boss;
    this.workers = workers;
    this.executor = executor;
  }

  /**
   * Binds {@code socket} and serves {@code services} on it.
   *
   * @throws FileAlreadyExistsException if a live replayer already serves that socket, or the path
   *     exists and is not a socket
   * @throws IOException if the socket cannot be created (no epoll on this platform, permissions)
   */
  public static ControlServer start(Path socket, BindableService... services) throws IOException {
    if (!Epoll.isAvailable()) {
      throw new IOException(
          "cannot serve the control socket "
              + socket
              + ": the epoll transport is unavailable: "
              + Epoll.unavailabilityCause());
    }
    Path abs = ControlSockets.claim(socket, "control socket");
    EventLoopGroup boss = new EpollEventLoopGroup(1, DaemonThreads.named("control-accept"));
    EventLoopGroup workers = new EpollEventLoopGroup(1, DaemonThreads.named("control-io"));
    ExecutorService executor = Executors.newFixedThreadPool(2, DaemonThreads.named("control-call"));
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(new DomainSocketAddress(abs.toString()))
            .channelType(EpollServerDomainSocketChannel.class)
            .bossEventLoopGroup(boss)
            .workerEventLoopGroup(workers)
            .executor(executor)
            .maxInboundMessageSize(1 << 20);
    for (BindableService s : services) {
      builder.addService(s);
    }
    Server server = builder.build();
    try {
      server.start();
      Files.setPosixFilePermissions(abs, PosixFilePermissions.fromString("rw-------"));
    } catch (IOException | RuntimeException e) {
      server.shutdownNow();
      boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      executor.shutdownNow();
      Files.deleteIfExists(abs);
      throw new IOException("cannot serve the control socket " + abs + ": " + e.getMessage(), e);
    }
    return new ControlServer(abs, server, boss, workers, executor);
  }

  /** The socket file. */
  public Path socket() {
    return socket;
  }

  @Override
  public void close() throws IOException {
    server.shutdown();
    try {
      if (!server.awaitTermination(2, TimeUnit.SECONDS)) {
        server.shutdownNow();
        server.awaitTermination(2, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    } finally {
      boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      executor.shutdownNow();
      Files.deleteIfExists(socket);
    }
  }
}
