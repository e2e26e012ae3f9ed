package dev.tracefetch.replayer.control;

import dev.tracefetch.api.v1.CancelReplayRequest;
import dev.tracefetch.api.v1.GetStatusRequest;
import dev.tracefetch.api.v1.ReplayerControlGrpc;
import dev.tracefetch.api.v1.ReplayerStatus;
import dev.tracefetch.api.v1.StartReplayRequest;
import dev.tracefetch.api.v1.StartReplayResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Talks to the control socket of one mount. Every call has a deadline; failures become {@link
 * ControlException}s naming the socket and the server's description (or {@link
 * ControlUnavailableException} when nothing answers), never transport types.
 */
public final class ControlClient implements AutoCloseable {
  /**
   * Netty warns on every connection that a Unix socket has no {@code SO_KEEPALIVE} (gRPC sets it
   * for all channels); that is noise in the hook's and stats' output. Held so it is not collected.
   */
  private static final java.util.logging.Logger BOOTSTRAP_LOG =
      java.util.logging.Logger.getLogger("io.grpc.netty.shaded.io.netty.bootstrap");

  static {
    BOOTSTRAP_LOG.setLevel(java.util.logging.Level.SEVERE);
  }

  private final Path socket;
  private final ManagedChannel channel;
  private final EventLoopGroup group;
  private final ReplayerControlGrpc.ReplayerControlBlockingStub stub;

  private ControlClient(Path socket, ManagedChannel channel, EventLoopGroup group) {
    this.socket = socket;
    this.channel = channel;
    this.group = group;
    this.stub = ReplayerControlGrpc.newBlockingStub(channel);
  }

  /**
   * A client of the replayer serving {@code socket}.
   *
   * @throws ControlUnavailableException if there is no socket file there
   */
  public static ControlClient connect(Path socket) throws ControlException {
    if (!Files.exists(socket)) {
      throw new ControlUnavailableException("no control socket at " + socket);
    }
    if (!Epoll.isAvailable()) {
      throw new ControlException(
          "cannot use the control socket "
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
    return new ControlClient(socket, channel, group);
  }

  public Path socket() {
    return socket;
  }

  public StartReplayResponse start(StartReplayRequest request, Duration deadline)
      throws ControlException {
    try {
      return stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
          .startReplay(request);
    } catch (StatusRuntimeException e) {
      throw failure("start replay", e);
    }
  }

  public boolean cancel(String requester, Duration deadline) throws ControlException {
    try {
      return stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
          .cancelReplay(CancelReplayRequest.newBuilder().setRequester(requester).build())
          .getWasRunning();
    } catch (StatusRuntimeException e) {
      throw failure("cancel replay", e);
    }
  }

  public ReplayerStatus status(Duration deadline) throws ControlException {
    try {
      return stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
          .getStatus(GetStatusRequest.getDefaultInstance());
    } catch (StatusRuntimeException e) {
      throw failure("get status", e);
    }
  }

  private ControlException failure(String action, StatusRuntimeException e) {
    Status s = e.getStatus();
    String description = s.getDescription() == null ? "" : ": " + s.getDescription();
    String message = action + " via " + socket + " failed: " + s.getCode() + description;
    if (s.getCode() == Status.Code.UNAVAILABLE) {
      return new ControlUnavailableException(
          "no replayer answers on "
              + socket
              + " ("
              + action
              + ": "
              + s.getCode()
              + description
              + ")",
          e);
    }
    return new ControlException(message, e);
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
