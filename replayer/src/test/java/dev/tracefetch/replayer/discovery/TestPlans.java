package dev.tracefetch.replayer.discovery;

import dev.tracefetch.api.v1.LayerPlan;
import dev.tracefetch.api.v1.PlannedRange;
import dev.tracefetch.api.v1.ReplayPlan;
import dev.tracefetch.oci.image.Descriptor;
import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.image.ImageManifest;
import dev.tracefetch.oci.image.ImageReference;
import dev.tracefetch.oci.image.MediaTypes;
import java.util.ArrayList;
import java.util.List;

/** Replay plans and mounted images made in code for discovery and control tests. */
public final class TestPlans {
  private TestPlans() {}

  /**
   * A plan for {@code manifestDigest} with one two-chunk range per layer; {@code version} tells
   * plans apart.
   */
  public static ReplayPlan plan(
      String manifestDigest, List<Descriptor> layers, String app, long version) {
    ReplayPlan.Builder b =
        ReplayPlan.newBuilder()
            .setManifestDigest(manifestDigest)
            .setApp(app)
            .setVersion(version)
            .setCreatedUnixMicros(1_700_000_000_000_000L + version);
    for (int i = 0; i < layers.size(); i++) {
      b.addLayers(
          LayerPlan.newBuilder()
              .setLayerIndex(i)
              .setLayerDigest(layers.get(i).digest().toString())
              .addRanges(
                  PlannedRange.newBuilder()
                      .setCompressedOffset(0)
                      .setCompressedLength(Math.max(1, layers.get(i).size() / 2))
                      .addChunkDigests(Digest.ofUtf8("chunk-a-" + i).toString())
                      .addChunkDigests(Digest.ofUtf8("chunk-b-" + i).toString())
                      .setNeededByMicros(1000L * i)));
    }
    return b.build();
  }

  /** An image of {@code layerCount} made-up layers, as a mount would see it. */
  public static MountedImage image(String reference, int layerCount) {
    List<Descriptor> layers = new ArrayList<>();
    for (int i = 0; i < layerCount; i++) {
      layers.add(
          Descriptor.of(MediaTypes.OCI_LAYER_GZIP, Digest.ofUtf8(reference + " layer " + i), 1000));
    }
    ImageManifest manifest =
        ImageManifest.oci(
            Descriptor.of(MediaTypes.OCI_CONFIG, Digest.ofUtf8(reference + " config"), 100),
            layers);
    return new MountedImage(
        ImageReference.parse(reference), Digest.of(manifest.toJson()), manifest);
  }

  /** A plan that fits {@code image} exactly. */
  public static ReplayPlan planFor(MountedImage image, String app, long version) {
    return plan(image.manifestDigest().toString(), image.manifest().layers(), app, version);
  }
}
