package dev.tracefetch.replayer.session;

import dev.tracefetch.oci.image.ImageReference;
import dev.tracefetch.recorder.runtime.RuntimeRecording;
import dev.tracefetch.replayer.discovery.PlanQuery;
import dev.tracefetch.replayer.prefetch.PrefetchMode;
import dev.tracefetch.replayer.prefetch.PrefetchSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything one mount asks for, apart from the node's cache and registry access: what the
 * foreground {@code replayer mount} parses from its options and what a node daemon receives in a
 * mount request, so both start the same {@link MountSession}.
 *
 * @param reference the image
 * @param mountPoint where to mount it (absolute)
 * @param fetchTimeout a read that cannot be served within this fails with EIO
 * @param mode what to prefetch
 * @param prefetch prefetch tuning
 * @param query where plans come from
 * @param storeTimeout time limit of one trace-store request
 * @param controlSocket the mount's control socket, or null for the default path
 * @param replayAtMount look for a plan at mount time (false: only when asked)
 * @param record runtime recording settings, or null for none
 */
public record MountSpec(
    ImageReference reference,
    Path mountPoint,
    Duration fetchTimeout,
    PrefetchMode mode,
    PrefetchSettings prefetch,
    PlanQuery query,
    Duration storeTimeout,
    Path controlSocket,
    boolean replayAtMount,
    RuntimeRecording.Settings record) {
  public MountSpec {
    Objects.requireNonNull(reference, "reference");
    Objects.requireNonNull(mountPoint, "mountPoint");
    Objects.requireNonNull(fetchTimeout, "fetchTimeout");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(prefetch, "prefetch");
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(storeTimeout, "storeTimeout");
    mountPoint = mountPoint.toAbsolutePath().normalize();
    controlSocket = controlSocket == null ? null : controlSocket.toAbsolutePath().normalize();
    if (fetchTimeout.isZero() || fetchTimeout.isNegative()) {
      throw new IllegalArgumentException("--fetch-timeout must be positive, got " + fetchTimeout);
    }
  }
}
