package dev.tracefetch.replayer.control;

import dev.tracefetch.api.v1.CancelReplayRequest;
import dev.tracefetch.api.v1.GetStatusRequest;
import dev.tracefetch.api.v1.ReplayerControlGrpc;
import dev.tracefetch.api.v1.ReplayerStatus;
import dev.tracefetch.api.v1.StartReplayRequest;
import dev.tracefetch.api.v1.StartReplayResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Talks to the control socket of one mount. Every call has a deadline; failures become {@link
 * ControlException}s naming the socket and the server's description (or {@link
 * ControlUnavailableException} when nothing answers), never transport types.
 */
public final class ControlClient implements AutoCloseable {
  private final Path socket;
  private final UnixChannel channel;
  private final ReplayerControlGrpc.ReplayerControlBlockingStub stub;

  private ControlClient(Path socket, UnixChannel channel) {
    this.socket = socket;
    this.channel = channel;
    this.stub = ReplayerControlGrpc.newBlockingStub(channel.channel());
  }

  /**
   * A client of the replayer serving {@code socket}.
   *
   * @throws ControlUnavailableException if there is no socket file there
   */
  public static ControlClient connect(Path socket) throws ControlException {
    return new ControlClient(socket, UnixChannel.open(socket, "control socket"));
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
    channel.close();
  }
}
