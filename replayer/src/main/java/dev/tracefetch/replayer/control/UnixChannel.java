package dev.tracefetch.replayer.control;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A gRPC channel to a Unix domain socket on this node (a mount's control socket, the node daemon's
 * socket), with its event loop, closed together. Shared by the clients so they connect alike.
 */
public final class UnixChannel implements AutoCloseable {
  /**
   * Netty warns on every connection that a Unix socket has no {@code SO_KEEPALIVE} (gRPC sets it
   * for all channels); that is noise in the clients' output. Held so it is not collected.
   */
  private static final java.util.logging.Logger BOOTSTRAP_LOG =
      java.util.logging.Logger.getLogger("io.grpc.netty.shaded.io.netty.bootstrap");

  static {
    BOOTSTRAP_LOG.setLevel(java.util.logging.Level.SEVERE);
  }

  private final ManagedChannel channel;
  private final EventLoopGroup group;

  private UnixChannel(ManagedChannel channel, EventLoopGroup group) {
    this.channel = channel;
    this.group = group;
  }

  /**
   * Opens a channel to {@code socket}.
   *
   * @param what what serves the socket, for messages ("control socket", "daemon socket")
   * @throws ControlUnavailableException if there is no socket file there
   */
  public static UnixChannel open(Path socket, String what) throws ControlException {
    if (!Files.exists(socket)) {
      throw new ControlUnavailableException("no " + what + " at " + socket);
    }
    if (!Epoll.isAvailable()) {
      throw new ControlException(
          "cannot use the "
              + what
              + " "
              + socket
              + ": the epoll transport is unavailable: "
              + Epoll.unavailabilityCause());
    }
    EventLoopGroup group =
        new EpollEventLoopGroup(
            1,
            r -> {
              Thread t = new Thread(r, "control-client");
              t.setDaemon(true);
              return t;
            });
    ManagedChannel channel =
        NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
            .channelType(EpollDomainSocketChannel.class)
            .eventLoopGroup(group)
            .overrideAuthority("localhost")
            .usePlaintext()
            .build();
    return new UnixChannel(channel, group);
  }

  public ManagedChannel channel() {
    return channel;
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
  }
}
