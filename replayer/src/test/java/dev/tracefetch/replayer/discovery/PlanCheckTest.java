package dev.tracefetch.replayer.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracefetch.api.files.ReplayArtifacts;
import dev.tracefetch.api.v1.ReplayPlan;
import dev.tracefetch.oci.image.Descriptor;
import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.image.MediaTypes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlanCheckTest {
  private final MountedImage image = TestPlans.image("127.0.0.1:5000/app:1", 2);

  @Test
  void acceptsAPlanForTheMountedManifest() {
    assertThatCode(
            () ->
                PlanCheck.check(
                    TestPlans.planFor(image, "web", 1), image, PlanSource.FILE, "file:x"))
        .doesNotThrowAnyException();
  }

  @Test
  void refusesAPlanForAnotherImageNamingBothDigests() {
    MountedImage other = TestPlans.image("127.0.0.1:5000/other:1", 2);
    ReplayPlan plan = TestPlans.planFor(other, "web", 1);
    assertThatThrownBy(() -> PlanCheck.check(plan, image, PlanSource.STORE, "store:u"))
        .isInstanceOf(PlanRefusedException.class)
        .hasMessageContaining("store:u")
        .hasMessageContaining(other.manifestDigest().toString())
        .hasMessageContaining(image.manifestDigest().toString());
  }

  @Test
  void refusesUnknownLayersEvenForTheRightManifest() {
    ReplayPlan plan =
        TestPlans.planFor(image, "web", 1).toBuilder()
            .addLayers(
                dev.tracefetch.api.v1.LayerPlan.newBuilder()
                    .setLayerIndex(5)
                    .setLayerDigest(Digest.ofUtf8("x").toString()))
            .build();
    assertThatThrownBy(() -> PlanCheck.check(plan, image, PlanSource.FILE, "file:x"))
        .hasMessageContaining("names layer 5")
        .hasMessageContaining("has 2 layers");
    ReplayPlan wrongDigest =
        TestPlans.planFor(image, "web", 1).toBuilder()
            .setLayers(
                1,
                TestPlans.planFor(image, "web", 1).getLayers(1).toBuilder()
                    .setLayerDigest(Digest.ofUtf8("y").toString()))
            .build();
    assertThatThrownBy(() -> PlanCheck.check(wrongDigest, image, PlanSource.FILE, "file:x"))
        .hasMessageContaining("as layer 1");
  }

  @Test
  void aTraceLayerPlanMayNameTheBaseImageWhenAllItsLayersMatch() throws Exception {
    List<Descriptor> layers = new ArrayList<>(image.manifest().layers());
    layers.add(
        new Descriptor(
            MediaTypes.OCI_LAYER_TAR,
            Digest.ofUtf8("trace"),
            10,
            Map.of(ReplayArtifacts.TRACE_LAYER_ANNOTATION, "true"),
            null,
            null));
    var manifest = image.manifest().withLayers(layers);
    MountedImage traced =
        new MountedImage(image.reference(), Digest.of(manifest.toJson()), manifest);
    ReplayPlan basePlan = TestPlans.planFor(image, "web", 1);
    ReplayPlan bound = PlanCheck.check(basePlan, traced, PlanSource.LAYER, "layer:x");
    // Bound to the mounted (traced) image so the engine's exact-digest check accepts it.
    assertThat(bound.getManifestDigest()).isEqualTo(traced.manifestDigest().toString());
    assertThat(bound.getLayersList()).isEqualTo(basePlan.getLayersList());
    // The same plan from any other source names another image.
    assertThatThrownBy(() -> PlanCheck.check(basePlan, traced, PlanSource.REFERRER, "r"))
        .isInstanceOf(PlanRefusedException.class);
    // A trace-layer plan with no layers proves nothing.
    ReplayPlan empty = basePlan.toBuilder().clearLayers().build();
    assertThatThrownBy(() -> PlanCheck.check(empty, traced, PlanSource.LAYER, "layer:x"))
        .isInstanceOf(PlanRefusedException.class);
  }
}
