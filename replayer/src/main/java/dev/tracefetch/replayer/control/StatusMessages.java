package dev.tracefetch.replayer.control;

import dev.tracefetch.api.v1.ReplayerStatus;

/** Maps the engine's {@link ReplayStatus} to the control API's message and back. */
public final class StatusMessages {
  private StatusMessages() {}

  /** The wire form of a mount's status. */
  public static ReplayerStatus toProto(ReplayCoordinator coordinator) {
    ReplayStatus s = coordinator.status();
    return ReplayerStatus.newBuilder()
        .setMountPoint(coordinator.mountPoint().toString())
        .setImageReference(coordinator.image().reference().toString())
        .setManifestDigest(coordinator.image().manifestDigest().toString())
        .setState(state(s.state()))
        .setSource(nullToEmpty(s.source()))
        .setPlannedChunks(s.plannedChunks())
        .setPrefetchedChunks(s.prefetchedChunks())
        .setSkippedChunks(s.skippedChunks())
        .setPrefetchedBytes(s.prefetchedBytes())
        .setRequests(s.requests())
        .setDemandHits(s.demandHits())
        .setDemandMisses(s.demandMisses())
        .setUsefulPrefetchedBytes(s.usefulPrefetchedBytes())
        .setErrors(s.errors())
        .setLastError(nullToEmpty(s.lastError()))
        .setPrecision(s.precision())
        .setRecall(s.recall())
        .setDiscovery(nullToEmpty(coordinator.discoveryState()))
        .setPid(ProcessHandle.current().pid())
        .build();
  }

  /** The engine's view of a wire status (for printing with the same helpers). */
  public static ReplayStatus fromProto(ReplayerStatus p) {
    return new ReplayStatus(
        state(p.getState()),
        p.getSource(),
        p.getPlannedChunks(),
        p.getPrefetchedChunks(),
        p.getSkippedChunks(),
        p.getPrefetchedBytes(),
        p.getRequests(),
        p.getDemandHits(),
        p.getDemandMisses(),
        p.getUsefulPrefetchedBytes(),
        p.getErrors(),
        p.getLastError(),
        p.getPrecision(),
        p.getRecall());
  }

  static ReplayerStatus.State state(ReplayStatus.State s) {
    return switch (s) {
      case IDLE -> ReplayerStatus.State.IDLE;
      case RUNNING -> ReplayerStatus.State.RUNNING;
      case DONE -> ReplayerStatus.State.DONE;
      case CANCELLED -> ReplayerStatus.State.CANCELLED;
      case FAILED -> ReplayerStatus.State.FAILED;
    };
  }

  static ReplayStatus.State state(ReplayerStatus.State s) {
    return switch (s) {
      case RUNNING -> ReplayStatus.State.RUNNING;
      case DONE -> ReplayStatus.State.DONE;
      case CANCELLED -> ReplayStatus.State.CANCELLED;
      case FAILED -> ReplayStatus.State.FAILED;
      default -> ReplayStatus.State.IDLE;
    };
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
