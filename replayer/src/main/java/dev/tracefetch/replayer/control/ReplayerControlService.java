package dev.tracefetch.replayer.control;

import dev.tracefetch.api.v1.CancelReplayRequest;
import dev.tracefetch.api.v1.CancelReplayResponse;
import dev.tracefetch.api.v1.GetStatusRequest;
import dev.tracefetch.api.v1.ReplayerControlGrpc;
import dev.tracefetch.api.v1.ReplayerStatus;
import dev.tracefetch.api.v1.StartReplayRequest;
import dev.tracefetch.api.v1.StartReplayResponse;
import dev.tracefetch.replayer.discovery.PlanSource;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.net.URI;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The {@code ReplayerControl} gRPC service of one mount: validates requests, hands them to the
 * {@link ReplayCoordinator}, and maps every failure to a gRPC {@link Status} whose description says
 * what was wrong, so clients (hook, {@code stats}) can print it as is.
 */
public final class ReplayerControlService extends ReplayerControlGrpc.ReplayerControlImplBase {
  /** How long a {@code wait} request waits when the caller set no deadline. */
  static final long DEFAULT_WAIT_SECONDS = 30;

  private final ReplayCoordinator coordinator;

  public ReplayerControlService(ReplayCoordinator coordinator) {
    this.coordinator = coordinator;
  }

  @Override
  public void startReplay(
      StartReplayRequest request, StreamObserver<StartReplayResponse> responses) {
    ReplayCoordinator.StartRequest start;
    try {
      start = toStartRequest(request);
    } catch (IllegalArgumentException e) {
      responses.onError(
          Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
      return;
    }
    Future<ReplayCoordinator.StartOutcome> outcome;
    try {
      outcome = coordinator.start(start);
    } catch (ImageMismatchException e) {
      responses.onError(
          Status.FAILED_PRECONDITION.withDescription(e.getMessage()).asRuntimeException());
      return;
    } catch (IllegalArgumentException e) {
      responses.onError(
          Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
      return;
    } catch (RejectedExecutionException e) {
      responses.onError(
          Status.RESOURCE_EXHAUSTED
              .withDescription(
                  "too many replay requests are waiting for "
                      + coordinator.mountPoint()
                      + ", or the mount is closing")
              .asRuntimeException());
      return;
    }
    if (!request.getWait()) {
      responses.onNext(
          StartReplayResponse.newBuilder()
              .setAccepted(true)
              .setMessage("plan discovery queued for " + coordinator.mountPoint())
              .build());
      responses.onCompleted();
      return;
    }
    try {
      Deadline deadline = Context.current().getDeadline();
      long waitMillis =
          deadline == null
              ? TimeUnit.SECONDS.toMillis(DEFAULT_WAIT_SECONDS)
              : Math.max(1, deadline.timeRemaining(TimeUnit.MILLISECONDS));
      ReplayCoordinator.StartOutcome done = outcome.get(waitMillis, TimeUnit.MILLISECONDS);
      responses.onNext(
          StartReplayResponse.newBuilder()
              .setAccepted(true)
              .setSource(done.source())
              .setMessage(done.message())
              .build());
      responses.onCompleted();
    } catch (TimeoutException e) {
      responses.onError(
          Status.DEADLINE_EXCEEDED
              .withDescription("plan discovery still running; it continues in the background")
              .asRuntimeException());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      responses.onError(Status.CANCELLED.withDescription("interrupted").asRuntimeException());
    } catch (ExecutionException e) {
      responses.onError(
          Status.INTERNAL
              .withDescription("plan discovery failed: " + e.getCause())
              .withCause(e.getCause())
              .asRuntimeException());
    }
  }

  @Override
  public void cancelReplay(
      CancelReplayRequest request, StreamObserver<CancelReplayResponse> responses) {
    try {
      String who = request.getRequester().isBlank() ? "a control client" : request.getRequester();
      boolean wasRunning = coordinator.cancel(who);
      responses.onNext(CancelReplayResponse.newBuilder().setWasRunning(wasRunning).build());
      responses.onCompleted();
    } catch (RuntimeException e) {
      responses.onError(internal("cancelling the replay", e));
    }
  }

  @Override
  public void getStatus(GetStatusRequest request, StreamObserver<ReplayerStatus> responses) {
    try {
      responses.onNext(StatusMessages.toProto(coordinator));
      responses.onCompleted();
    } catch (RuntimeException e) {
      responses.onError(internal("reading the replay status", e));
    }
  }

  static ReplayCoordinator.StartRequest toStartRequest(StartReplayRequest r) {
    List<PlanSource> order =
        r.getPlanSourcesList().stream().map(PlanSource::of).distinct().toList();
    if (order.size() != r.getPlanSourcesCount()) {
      throw new IllegalArgumentException(
          "a plan source appears twice in " + r.getPlanSourcesList());
    }
    Path file = null;
    if (!r.getReplayFile().isBlank()) {
      try {
        file = Path.of(r.getReplayFile());
      } catch (InvalidPathException e) {
        throw new IllegalArgumentException("invalid replay file path: " + e.getMessage(), e);
      }
      if (!file.isAbsolute()) {
        throw new IllegalArgumentException(
            "replay file must be an absolute path on the node, got '" + r.getReplayFile() + "'");
      }
    }
    URI store = null;
    if (!r.getStoreUrl().isBlank()) {
      try {
        store = URI.create(r.getStoreUrl().strip());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("invalid store URL '" + r.getStoreUrl() + "'", e);
      }
    }
    return new ReplayCoordinator.StartRequest(
        order, file, store, r.getApp(), r.getImage(), r.getRequester());
  }

  private static RuntimeException internal(String action, RuntimeException e) {
    return Status.INTERNAL
        .withDescription(action + " failed: " + e)
        .withCause(e)
        .asRuntimeException();
  }
}
