package dev.tracefetch.replayer.discovery;

import dev.tracefetch.api.files.ReplayArtifacts;
import dev.tracefetch.api.v1.LayerPlan;
import dev.tracefetch.api.v1.ReplayPlan;
import dev.tracefetch.oci.image.Descriptor;
import java.util.List;

/**
 * Decides whether a plan may be replayed on the mounted image. The rule is that the plan's manifest
 * digest is the mounted image's and every layer it names is that image's layer at that index.
 *
 * <p>One exception: a plan inside the image's own trace layer cannot name the digest of the
 * manifest that contains it (adding the layer changes that digest), so for the {@link
 * PlanSource#LAYER} source a plan naming another manifest is accepted when it names at least one
 * layer and all its layers are exactly the mounted image's (same index, same blob digest).
 */
public final class PlanCheck {
  private PlanCheck() {}

  /**
   * Returns the plan bound to the mounted image: unchanged, or for an accepted trace-layer plan a
   * copy naming the mounted manifest (so the engine, which insists on the exact digest, takes it).
   *
   * @throws PlanRefusedException naming the plan's and the image's digests when it does not fit
   */
  public static ReplayPlan check(
      ReplayPlan plan, MountedImage image, PlanSource source, String where)
      throws PlanRefusedException {
    String mounted = image.manifestDigest().toString();
    List<Descriptor> layers = image.manifest().layers();
    boolean sameManifest = plan.getManifestDigest().equals(mounted);
    if (!sameManifest && (source != PlanSource.LAYER || plan.getLayersCount() == 0)) {
      throw refusedForManifest(plan, image, where);
    }
    for (LayerPlan layer : plan.getLayersList()) {
      int i = layer.getLayerIndex();
      if (i < 0 || i >= layers.size()) {
        throw new PlanRefusedException(
            where
                + " names layer "
                + i
                + ", but the mounted image "
                + image
                + " has "
                + layers.size()
                + " layers");
      }
      String actual = layers.get(i).digest().toString();
      if (!layer.getLayerDigest().isEmpty() && !layer.getLayerDigest().equals(actual)) {
        throw new PlanRefusedException(
            where
                + " names "
                + layer.getLayerDigest()
                + " as layer "
                + i
                + ", but the mounted image "
                + image
                + " has "
                + actual);
      }
      if (!sameManifest
          && (layer.getLayerDigest().isEmpty()
              || "true"
                  .equals(
                      layers.get(i).annotations().get(ReplayArtifacts.TRACE_LAYER_ANNOTATION)))) {
        throw refusedForManifest(plan, image, where);
      }
    }
    return sameManifest ? plan : plan.toBuilder().setManifestDigest(mounted).build();
  }

  private static PlanRefusedException refusedForManifest(
      ReplayPlan plan, MountedImage image, String where) {
    return new PlanRefusedException(
        where
            + " is a plan for image "
            + (plan.getManifestDigest().isEmpty() ? "(unnamed)" : plan.getManifestDigest())
            + ", not for the mounted image "
            + image);
  }
}
