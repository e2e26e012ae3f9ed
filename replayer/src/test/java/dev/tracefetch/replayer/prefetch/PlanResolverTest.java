package dev.tracefetch.replayer.prefetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracefetch.api.v1.LayerPlan;
import dev.tracefetch.api.v1.PlannedRange;
import dev.tracefetch.api.v1.ReplayPlan;
import dev.tracefetch.layer.estargz.EstargzChunk;
import dev.tracefetch.oci.image.Digest;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class PlanResolverTest {
  private static final Digest MANIFEST = Digest.of("m".getBytes());

  private static EstargzChunk chunk(String name, long offset, long end, long inner) {
    return new EstargzChunk(name, 0, offset, end, inner, 0, 10, Digest.of(name.getBytes()));
  }

  private static final EstargzChunk A0 = chunk("a0", 0, 100, 0);
  private static final EstargzChunk A1 = chunk("a1", 100, 200, 0);
  private static final EstargzChunk A2 = chunk("a2", 100, 200, 10); // same member as a1
  private static final EstargzChunk B0 = chunk("b0", 0, 50, 0);
  private static final EstargzChunk B1 = chunk("b1", 50, 90, 0);

  private static ImageChunks image() {
    return new ImageChunks(
        MANIFEST,
        List.of(
            new ImageChunks.Layer(
                0,
                Digest.of("l0".getBytes()),
                300,
                true,
                List.of(A0, A1, A2),
                OptionalLong.empty()),
            new ImageChunks.Layer(
                1, Digest.of("l1".getBytes()), 100, true, List.of(B0, B1), OptionalLong.empty()),
            new ImageChunks.Layer(
                2, Digest.of("l2".getBytes()), 5000, false, List.of(), OptionalLong.empty())));
  }

  private static PlannedRange range(long off, long len, long neededBy, EstargzChunk... only) {
    PlannedRange.Builder r =
        PlannedRange.newBuilder()
            .setCompressedOffset(off)
            .setCompressedLength(len)
            .setNeededByMicros(neededBy);
    for (EstargzChunk c : only) {
      r.addChunkDigests(c.chunkDigest().toString());
    }
    return r.build();
  }

  private static ReplayPlan plan(LayerPlan... layers) {
    return ReplayPlan.newBuilder()
        .setManifestDigest(MANIFEST.toString())
        .addAllLayers(List.of(layers))
        .build();
  }

  private static List<String> names(List<PlannedChunk> chunks) {
    return chunks.stream().map(c -> c.chunk().path()).toList();
  }

  @Test
  void layersAreInterleavedByNeededByKeepingEachLayersOrder() {
    List<PlannedChunk> out =
        PlanResolver.resolve(
            plan(
                LayerPlan.newBuilder()
                    .setLayerIndex(0)
                    .addRanges(range(100, 100, 30))
                    .addRanges(range(0, 100, 10)) // out of needed_by order: stays after
                    .build(),
                LayerPlan.newBuilder()
                    .setLayerIndex(1)
                    .addRanges(range(50, 40, 5))
                    .addRanges(range(0, 50, 40))
                    .build()),
            image());
    assertThat(names(out)).containsExactly("b1", "a1", "a2", "a0", "b0");
    assertThat(out.get(0).layer()).isEqualTo(1);
  }

  @Test
  void chunkDigestsNarrowARangeAndDuplicatesKeepTheirFirstPlace() {
    List<PlannedChunk> out =
        PlanResolver.resolve(
            plan(
                LayerPlan.newBuilder()
                    .setLayerIndex(0)
                    .addRanges(range(100, 100, 1, A2))
                    .addRanges(range(0, 200, 2))
                    .build()),
            image());
    assertThat(names(out)).containsExactly("a2", "a0", "a1");
  }

  @Test
  void rangesOfLayersThatWereDownloadedWholeAreIgnored() {
    List<PlannedChunk> out =
        PlanResolver.resolve(
            plan(LayerPlan.newBuilder().setLayerIndex(2).addRanges(range(0, 4000, 1)).build()),
            image());
    assertThat(out).isEmpty();
  }

  @Test
  void planThatDoesNotFitTheImageIsRefusedWithTheReason() {
    assertThatThrownBy(
            () ->
                PlanResolver.resolve(
                    plan(LayerPlan.newBuilder().setLayerIndex(3).build()), image()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("layer 3")
        .hasMessageContaining("3 layers");
    assertThatThrownBy(
            () ->
                PlanResolver.resolve(
                    plan(
                        LayerPlan.newBuilder().setLayerIndex(0).build(),
                        LayerPlan.newBuilder().setLayerIndex(0).build()),
                    image()))
        .hasMessageContaining("twice");
    assertThatThrownBy(
            () ->
                PlanResolver.resolve(
                    plan(
                        LayerPlan.newBuilder()
                            .setLayerIndex(1)
                            .addRanges(range(60, 50, 0))
                            .build()),
                    image()))
        .hasMessageContaining("[60, +50)")
        .hasMessageContaining("100 bytes");
    assertThatThrownBy(() -> PlanResolver.resolve(ReplayPlan.newBuilder().build(), image()))
        .hasMessageContaining("(none)");
  }
}
