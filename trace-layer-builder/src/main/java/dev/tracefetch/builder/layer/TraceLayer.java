package dev.tracefetch.builder.layer;

import dev.tracefetch.api.files.ReplayArtifacts;
import dev.tracefetch.layer.tar.TarEntryType;
import dev.tracefetch.layer.tar.TarHeader;
import dev.tracefetch.layer.tar.TarWriter;
import dev.tracefetch.oci.image.Descriptor;
import dev.tracefetch.oci.image.MediaTypes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;

/**
 * The trace top layer: a small uncompressed tar holding the replay file at {@value
 * ReplayArtifacts#TRACE_LAYER_PATH}, marked on its descriptor with {@value
 * ReplayArtifacts#TRACE_LAYER_ANNOTATION}. Uncompressed so that a node reads the plan with one
 * ranged GET and no inflating; a plain tar so that every runtime can still unpack the image (the
 * file just appears under {@code /.tracefetch}).
 */
public final class TraceLayer {
  /** Docker schema 2's media type for an uncompressed layer. */
  public static final String DOCKER_LAYER_TAR = "application/vnd.docker.image.rootfs.diff.tar";

  private TraceLayer() {}

  /**
   * The layer's tar: the {@code .tracefetch} directory and the replay file, owned by root, mode
   * 0755/0644, both with modification time {@code mtime} (so equal plans give equal layers).
   */
  public static byte[] tar(byte[] replayFile, Instant mtime) {
    String path = ReplayArtifacts.TRACE_LAYER_PATH;
    String dir = path.substring(0, path.lastIndexOf('/') + 1);
    ByteArrayOutputStream out = new ByteArrayOutputStream(replayFile.length + 4096);
    try {
      TarWriter tar = new TarWriter(out);
      tar.writeHeader(
          TarHeader.builder(dir, TarEntryType.DIRECTORY).mode(0755).modTime(mtime).build());
      tar.closeEntry();
      tar.writeHeader(
          TarHeader.builder(path, TarEntryType.REGULAR)
              .mode(0644)
              .size(replayFile.length)
              .modTime(mtime)
              .build());
      tar.write(replayFile, 0, replayFile.length);
      tar.closeEntry();
      tar.finish();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // in memory
    }
    return out.toByteArray();
  }

  /** The layer descriptor for {@code tar} in a manifest of type {@code manifestMediaType}. */
  public static Descriptor descriptor(byte[] tar, String manifestMediaType) {
    String type =
        MediaTypes.DOCKER_MANIFEST.equals(manifestMediaType)
            ? DOCKER_LAYER_TAR
            : MediaTypes.OCI_LAYER_TAR;
    return Descriptor.ofContent(type, tar)
        .withAnnotations(Map.of(ReplayArtifacts.TRACE_LAYER_ANNOTATION, "true"));
  }

  /** Whether {@code layer} is a trace layer (carries the annotation with value {@code true}). */
  public static boolean isTraceLayer(Descriptor layer) {
    return "true".equals(layer.annotations().get(ReplayArtifacts.TRACE_LAYER_ANNOTATION));
  }
}
