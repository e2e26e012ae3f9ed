package dev.tracefetch.api.files;

/**
 * The names by which a node finds a replay plan that the builder shipped with an image: the trace
 * top layer, the OCI 1.1 referrer artifact, and the annotations a container runtime passes to the
 * OCI hook. They are one contract between {@code trace-layer-builder} (which writes them) and
 * {@code replayer} (which looks for them), so they live here and nowhere else.
 */
public final class ReplayArtifacts {
  private ReplayArtifacts() {}

  /** Media type of a replay file blob (the {@link ReplayFiles} envelope, zstd inside). */
  public static final String REPLAY_MEDIA_TYPE = "application/vnd.dev.tracefetch.replay.v1";

  /** Media type of a trace file blob (the {@link TraceFiles} envelope). */
  public static final String TRACE_MEDIA_TYPE = "application/vnd.dev.tracefetch.trace.v1";

  /** {@code artifactType} of the referrer manifest whose {@code subject} is the image. */
  public static final String ARTIFACT_TYPE = "application/vnd.dev.tracefetch.replay.v1";

  /**
   * Layer annotation marking the trace top layer (value {@code "true"}); a builder replaces a layer
   * carrying it instead of stacking a second one.
   */
  public static final String TRACE_LAYER_ANNOTATION = "dev.tracefetch.trace-layer";

  /**
   * Path of the replay file inside the trace top layer (tar entry name, no leading slash), so the
   * file appears as {@code /.tracefetch/replay.tfr} in the container.
   */
  public static final String TRACE_LAYER_PATH = ".tracefetch/replay.tfr";

  /**
   * Annotation naming the application: on the referrer artifact manifest, and on a container
   * ({@code config.json} annotations) so the OCI hook knows which app is starting.
   */
  public static final String APP_ANNOTATION = "dev.tracefetch.app";

  /**
   * Container annotation naming the image reference the container was started from (for the OCI
   * hook, when the runtime does not already pass it).
   */
  public static final String IMAGE_ANNOTATION = "dev.tracefetch.image";

  /** Standard OCI annotation runtimes such as containerd and CRI-O set to the image name. */
  public static final String OCI_IMAGE_NAME_ANNOTATION = "org.opencontainers.image.ref.name";

  /** Annotation on the referrer artifact carrying the replay plan's creation time (RFC 3339). */
  public static final String CREATED_ANNOTATION = "org.opencontainers.image.created";
}
