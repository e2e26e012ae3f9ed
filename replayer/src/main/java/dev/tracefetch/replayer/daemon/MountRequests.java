package dev.tracefetch.replayer.daemon;

import dev.tracefetch.api.v1.MountRequest;
import dev.tracefetch.api.v1.RecordSettings;
import dev.tracefetch.oci.image.ImageReference;
import dev.tracefetch.recorder.runtime.RuntimeRecording;
import dev.tracefetch.replayer.discovery.PlanQuery;
import dev.tracefetch.replayer.discovery.PlanSource;
import dev.tracefetch.replayer.prefetch.PrefetchMode;
import dev.tracefetch.replayer.prefetch.PrefetchSettings;
import dev.tracefetch.replayer.session.MountSpec;
import java.net.URI;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A {@link MountSpec} as a daemon {@link MountRequest} and back, so the daemon mounts exactly what
 * the foreground command would have mounted with the same options.
 */
public final class MountRequests {
  private MountRequests() {}

  /** The request for {@code spec}; relative paths are made absolute here (the caller's cwd). */
  public static MountRequest toProto(MountSpec spec) {
    MountRequest.Builder b =
        MountRequest.newBuilder()
            .setImage(spec.reference().toString())
            .setMountPoint(spec.mountPoint().toString())
            .setFetchTimeoutMs(spec.fetchTimeout().toMillis())
            .setPrefetchMode(spec.mode().cliName())
            .setPrefetchConnections(spec.prefetch().connections())
            .setPrefetchGapBytes(spec.prefetch().gapBytes())
            .setPrefetchMaxRequestBytes(spec.prefetch().maxRequestBytes())
            .setBandwidthLimit(spec.prefetch().bandwidthBytesPerSecond())
            .setStoreTimeoutMs(spec.storeTimeout().toMillis())
            .setNoReplayAtMount(!spec.replayAtMount());
    PlanQuery q = spec.query();
    q.order().forEach(s -> b.addPlanSources(s.label()));
    if (q.replayFile() != null) {
      b.setReplayFile(q.replayFile().toAbsolutePath().toString());
    }
    if (q.storeUrl() != null) {
      b.setStoreUrl(q.storeUrl().toString());
    }
    if (q.app() != null) {
      b.setApp(q.app());
    }
    if (q.token() != null) {
      b.setToken(q.token());
    }
    if (spec.controlSocket() != null) {
      b.setControlSocket(spec.controlSocket().toString());
    }
    RuntimeRecording.Settings r = spec.record();
    if (r != null) {
      RecordSettings.Builder rb =
          RecordSettings.newBuilder()
              .setWindowMs(r.window().toMillis())
              .setSample(r.sample())
              .setSpool(r.spool().toAbsolutePath().toString());
      if (r.out() != null) {
        rb.setOut(r.out().toAbsolutePath().toString());
      }
      if (r.upload() != null) {
        rb.setUpload(r.upload().toString());
      }
      b.setRecord(rb);
    }
    return b.build();
  }

  /**
   * The spec a request asks for.
   *
   * @throws IllegalArgumentException naming the field that is wrong
   */
  public static MountSpec fromProto(MountRequest r) {
    ImageReference reference = ImageReference.parse(required(r.getImage(), "image"));
    Path mountPoint = absolute(required(r.getMountPoint(), "mount_point"), "mount point");
    PrefetchSettings defaults = PrefetchSettings.defaults();
    PrefetchSettings prefetch =
        defaults
            .withConnections(
                r.getPrefetchConnections() == 0
                    ? defaults.connections()
                    : r.getPrefetchConnections())
            .withGapBytes(r.getPrefetchGapBytes())
            .withMaxRequestBytes(
                r.getPrefetchMaxRequestBytes() == 0
                    ? defaults.maxRequestBytes()
                    : r.getPrefetchMaxRequestBytes())
            .withBandwidth(r.getBandwidthLimit());
    List<PlanSource> order =
        r.getPlanSourcesCount() == 0
            ? PlanSource.DEFAULT_ORDER
            : r.getPlanSourcesList().stream().map(PlanSource::of).toList();
    URI store = r.getStoreUrl().isBlank() ? null : uri(r.getStoreUrl(), "store URL");
    PlanQuery query =
        new PlanQuery(
            order,
            r.getReplayFile().isBlank() ? null : absolute(r.getReplayFile(), "replay file"),
            store,
            r.getApp(),
            r.getToken());
    RuntimeRecording.Settings record = null;
    if (r.hasRecord()) {
      RecordSettings rs = r.getRecord();
      URI upload = rs.getUpload().isBlank() ? store : uri(rs.getUpload(), "upload URL");
      record =
          new RuntimeRecording.Settings(
              r.getApp(),
              Duration.ofMillis(rs.getWindowMs()),
              rs.getSample(),
              rs.getOut().isBlank() ? null : absolute(rs.getOut(), "record output"),
              upload,
              r.getToken().isBlank() ? null : r.getToken(),
              absolute(required(rs.getSpool(), "record.spool"), "spool directory"));
    }
    return new MountSpec(
        reference,
        mountPoint,
        r.getFetchTimeoutMs() == 0
            ? Duration.ofSeconds(30)
            : Duration.ofMillis(r.getFetchTimeoutMs()),
        r.getPrefetchMode().isBlank() ? PrefetchMode.PLAN : PrefetchMode.parse(r.getPrefetchMode()),
        prefetch,
        query,
        r.getStoreTimeoutMs() == 0
            ? Duration.ofSeconds(5)
            : Duration.ofMillis(r.getStoreTimeoutMs()),
        r.getControlSocket().isBlank() ? null : absolute(r.getControlSocket(), "control socket"),
        !r.getNoReplayAtMount(),
        record);
  }

  private static String required(String value, String field) {
    if (value.isBlank()) {
      throw new IllegalArgumentException("the mount request has no " + field);
    }
    return value;
  }

  private static Path absolute(String value, String what) {
    Path p;
    try {
      p = Path.of(value);
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException("invalid " + what + " path: " + e.getMessage(), e);
    }
    if (!p.isAbsolute()) {
      throw new IllegalArgumentException(
          what + " must be an absolute path on the node, got '" + value + "'");
    }
    return p;
  }

  private static URI uri(String value, String what) {
    try {
      return URI.create(value.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid " + what + " '" + value + "'", e);
    }
  }
}
