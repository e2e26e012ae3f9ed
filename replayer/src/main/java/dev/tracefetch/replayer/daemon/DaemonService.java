package dev.tracefetch.replayer.daemon;

import dev.tracefetch.api.v1.ClearCacheRequest;
import dev.tracefetch.api.v1.ClearCacheResponse;
import dev.tracefetch.api.v1.ListMountsRequest;
import dev.tracefetch.api.v1.ListMountsResponse;
import dev.tracefetch.api.v1.MountRequest;
import dev.tracefetch.api.v1.MountResponse;
import dev.tracefetch.api.v1.ReplayerDaemonGrpc;
import dev.tracefetch.api.v1.ServedMount;
import dev.tracefetch.api.v1.UnmountRequest;
import dev.tracefetch.api.v1.UnmountResponse;
import dev.tracefetch.replayer.session.MountSession;
import dev.tracefetch.replayer.session.MountSpec;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The {@code ReplayerDaemon} gRPC service: turns requests into {@link NodeDaemon} calls and every
 * failure into a status whose description says what was wrong, printed as is by {@code replayer
 * mount --daemon}.
 */
public final class DaemonService extends ReplayerDaemonGrpc.ReplayerDaemonImplBase {
  private final NodeDaemon daemon;

  public DaemonService(NodeDaemon daemon) {
    this.daemon = daemon;
  }

  @Override
  public void mount(MountRequest request, StreamObserver<MountResponse> responses) {
    MountSpec spec;
    try {
      spec = MountRequests.fromProto(request);
    } catch (IllegalArgumentException e) {
      responses.onError(
          Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
      return;
    }
    try {
      MountSession s = daemon.mount(spec);
      responses.onNext(
          MountResponse.newBuilder()
              .setMountPoint(s.mountPoint().toString())
              .setManifestDigest(s.manifest().digest().toString())
              .setControlSocket(s.controlSocket().toString())
              .build());
      responses.onCompleted();
    } catch (NodeDaemon.MountRefusedException e) {
      responses.onError(
          Status.FAILED_PRECONDITION.withDescription(e.getMessage()).asRuntimeException());
    } catch (RuntimeException e) {
      responses.onError(
          Status.INTERNAL.withDescription("mount failed: " + e).withCause(e).asRuntimeException());
    }
  }

  @Override
  public void unmount(UnmountRequest request, StreamObserver<UnmountResponse> responses) {
    if (request.getMountPoint().isBlank()) {
      responses.onError(
          Status.INVALID_ARGUMENT
              .withDescription("the unmount request has no mount_point")
              .asRuntimeException());
      return;
    }
    try {
      boolean served = daemon.unmount(Path.of(request.getMountPoint()));
      responses.onNext(UnmountResponse.newBuilder().setWasServed(served).build());
      responses.onCompleted();
    } catch (IOException | RuntimeException e) {
      responses.onError(
          Status.INTERNAL
              .withDescription("unmounting " + request.getMountPoint() + " failed: " + e)
              .asRuntimeException());
    }
  }

  @Override
  public void listMounts(ListMountsRequest request, StreamObserver<ListMountsResponse> responses) {
    ListMountsResponse.Builder b = ListMountsResponse.newBuilder();
    for (MountSession s : daemon.mounts()) {
      b.addMounts(
          ServedMount.newBuilder()
              .setMountPoint(s.mountPoint().toString())
              .setImageReference(s.spec().reference().toString())
              .setManifestDigest(s.manifest().digest().toString())
              .setControlSocket(s.controlSocket().toString()));
    }
    responses.onNext(b.build());
    responses.onCompleted();
  }

  @Override
  public void clearCache(ClearCacheRequest request, StreamObserver<ClearCacheResponse> responses) {
    try {
      long removed = daemon.clearCache();
      responses.onNext(ClearCacheResponse.newBuilder().setEntriesRemoved(removed).build());
      responses.onCompleted();
    } catch (NodeDaemon.MountRefusedException e) {
      responses.onError(
          Status.FAILED_PRECONDITION.withDescription(e.getMessage()).asRuntimeException());
    } catch (IOException | RuntimeException e) {
      responses.onError(
          Status.INTERNAL.withDescription("clearing the cache failed: " + e).asRuntimeException());
    }
  }
}
