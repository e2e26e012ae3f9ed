package dev.tracefetch.replayer.daemon;

import dev.tracefetch.api.v1.ClearCacheRequest;
import dev.tracefetch.api.v1.ListMountsRequest;
import dev.tracefetch.api.v1.MountRequest;
import dev.tracefetch.api.v1.MountResponse;
import dev.tracefetch.api.v1.ReplayerDaemonGrpc;
import dev.tracefetch.api.v1.ServedMount;
import dev.tracefetch.api.v1.UnmountRequest;
import dev.tracefetch.replayer.control.ControlException;
import dev.tracefetch.replayer.control.ControlUnavailableException;
import dev.tracefetch.replayer.control.UnixChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Talks to a node daemon's socket. Failures become {@link ControlException}s naming the socket and
 * the daemon's reason ({@link ControlUnavailableException} when no daemon answers).
 */
public final class DaemonClient implements AutoCloseable {
  /** Where {@code replayer daemon} listens unless told otherwise. */
  public static final Path DEFAULT_SOCKET = Path.of("/run/tracefetch/replayer.sock");

  private final Path socket;
  private final UnixChannel channel;
  private final ReplayerDaemonGrpc.ReplayerDaemonBlockingStub stub;

  private DaemonClient(Path socket, UnixChannel channel) {
    this.socket = socket;
    this.channel = channel;
    this.stub = ReplayerDaemonGrpc.newBlockingStub(channel.channel());
  }

  /**
   * A client of the daemon at {@code socket}.
   *
   * @throws ControlUnavailableException if there is no socket there
   */
  public static DaemonClient connect(Path socket) throws ControlException {
    return new DaemonClient(socket, UnixChannel.open(socket, "replayer daemon socket"));
  }

  public Path socket() {
    return socket;
  }

  /** Mounts and returns once the mount is up. */
  public MountResponse mount(MountRequest request, Duration deadline) throws ControlException {
    try {
      return stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS).mount(request);
    } catch (StatusRuntimeException e) {
      throw failure("mount", e);
    }
  }

  /** Unmounts; false if the daemon serves nothing at {@code mountPoint}. */
  public boolean unmount(Path mountPoint, Duration deadline) throws ControlException {
    try {
      return stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
          .unmount(UnmountRequest.newBuilder().setMountPoint(mountPoint.toString()).build())
          .getWasServed();
    } catch (StatusRuntimeException e) {
      throw failure("unmount", e);
    }
  }

  public List<ServedMount> mounts(Duration deadline) throws ControlException {
    try {
      return stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
          .listMounts(ListMountsRequest.getDefaultInstance())
          .getMountsList();
    } catch (StatusRuntimeException e) {
      throw failure("list mounts", e);
    }
  }

  /** Empties the daemon's cache; the number of entries removed. */
  public long clearCache(Duration deadline) throws ControlException {
    try {
      return stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
          .clearCache(ClearCacheRequest.getDefaultInstance())
          .getEntriesRemoved();
    } catch (StatusRuntimeException e) {
      throw failure("clear the cache", e);
    }
  }

  private ControlException failure(String action, StatusRuntimeException e) {
    Status s = e.getStatus();
    String description = s.getDescription() == null ? "" : ": " + s.getDescription();
    if (s.getCode() == Status.Code.UNAVAILABLE) {
      return new ControlUnavailableException(
          "no replayer daemon answers on " + socket + " (" + action + description + ")", e);
    }
    if (s.getCode() == Status.Code.FAILED_PRECONDITION
        || s.getCode() == Status.Code.INVALID_ARGUMENT) {
      return new ControlException(s.getDescription(), e);
    }
    return new ControlException(
        action + " via " + socket + " failed: " + s.getCode() + description, e);
  }

  @Override
  public void close() {
    channel.close();
  }
}
