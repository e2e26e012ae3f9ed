package dev.tracefetch.replayer.discovery;

import dev.tracefetch.api.files.ReplayArtifacts;
import dev.tracefetch.api.files.ReplayFiles;
import dev.tracefetch.layer.tar.LayerCompression;
import dev.tracefetch.layer.tar.TarEntryType;
import dev.tracefetch.layer.tar.TarHeader;
import dev.tracefetch.layer.tar.TarReader;
import dev.tracefetch.oci.image.Descriptor;
import dev.tracefetch.oci.registry.RegistryClient;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * The image's trace top layer: the uppermost layer annotated with {@link
 * ReplayArtifacts#TRACE_LAYER_ANNOTATION}, a small tar holding the replay file at {@link
 * ReplayArtifacts#TRACE_LAYER_PATH}. The layer is fetched whole (verified against its digest) but
 * only if its descriptor says it is small.
 */
final class TraceLayerLookup implements PlanLookup {
  /** Largest trace layer fetched: the replay file plus tar headers. */
  static final long MAX_LAYER_BYTES = PlanDiscovery.MAX_PLAN_BYTES + (1 << 20);

  private final RegistryClient client;

  TraceLayerLookup(RegistryClient client) {
    this.client = client;
  }

  @Override
  public LookupResult find(MountedImage image, PlanQuery query) throws IOException {
    List<Descriptor> layers = image.manifest().layers();
    Descriptor traceLayer = null;
    for (int i = layers.size() - 1; i >= 0; i--) {
      if ("true"
          .equalsIgnoreCase(
              layers.get(i).annotations().get(ReplayArtifacts.TRACE_LAYER_ANNOTATION))) {
        traceLayer = layers.get(i);
        break;
      }
    }
    if (traceLayer == null) {
      return LookupResult.absent("image has no trace layer");
    }
    String where = "trace layer " + traceLayer.digest() + " of " + image.reference().repository();
    if (traceLayer.size() > MAX_LAYER_BYTES) {
      throw new IOException(
          where + " is " + traceLayer.size() + " bytes, more than the limit of " + MAX_LAYER_BYTES);
    }
    byte[] blob;
    try (InputStream in = client.fetchBlob(image.reference().repository(), traceLayer)) {
      blob = BoundedBlobs.readAtMost(in, MAX_LAYER_BYTES, where);
    }
    try (TarReader tar =
        new TarReader(LayerCompression.decompressed(new java.io.ByteArrayInputStream(blob)))) {
      for (TarHeader h = tar.next(); h != null; h = tar.next()) {
        if (h.type() == TarEntryType.REGULAR && isReplayPath(h.name())) {
          byte[] file =
              BoundedBlobs.readAtMost(
                  tar.payload(), PlanDiscovery.MAX_PLAN_BYTES, where + ": " + h.name());
          try {
            return LookupResult.found(
                ReplayFiles.read(file, PlanDiscovery.READ_LIMITS), "layer:" + traceLayer.digest());
          } catch (IOException e) {
            throw new IOException(where + ": " + h.name() + ": " + e.getMessage(), e);
          }
        }
      }
    } catch (IOException e) {
      if (e.getMessage() != null && e.getMessage().startsWith(where)) {
        throw e;
      }
      throw new IOException(where + ": " + e.getMessage(), e);
    }
    return LookupResult.absent(where + " holds no " + ReplayArtifacts.TRACE_LAYER_PATH);
  }

  private static boolean isReplayPath(String name) {
    String n = name;
    while (n.startsWith("./") || n.startsWith("/")) {
      n = n.startsWith("./") ? n.substring(2) : n.substring(1);
    }
    return n.equals(ReplayArtifacts.TRACE_LAYER_PATH);
  }
}
