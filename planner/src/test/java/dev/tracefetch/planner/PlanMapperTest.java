package dev.tracefetch.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.tracefetch.api.v1.LayerPlan;
import dev.tracefetch.api.v1.PlannedRange;
import dev.tracefetch.api.v1.ReplayPlan;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PlanMapperTest {
  private static final Instant NOW = Instant.ofEpochSecond(SyntheticTraces.NOW_MICROS / 1_000_000);
  private static final RankingSettings SEPARATE =
      RankingSettings.builder().gapThresholdBytes(0).maxRangeBytes(1).build();
  private static final String V1 = "sha256:" + "1".repeat(64);
  private static final String V2 = "sha256:" + "2".repeat(64);
  private static final String BASE = "sha256:" + "b".repeat(64);
  private static final String APP_V1 = "sha256:" + "c".repeat(64);
  private static final String APP_V2 = "sha256:" + "d".repeat(64);

  private static ChunkEntry e(
      String path, String content, long chunkOffset, long off, long len, String digest) {
    return new ChunkEntry(path, content, chunkOffset, off, len, digest);
  }

  /** v1: base layer + app layer; v2: same base, app layer rebuilt (moved, one file changed). */
  private static final ImageChunkTable SOURCE =
      new ImageChunkTable(
          V1,
          List.of(
              new LayerChunkTable(
                  BASE,
                  List.of(
                      e("/lib/libc.so", "sha256:libc", 0, 0, 1000, "sha256:c0"),
                      e("/lib/libm.so", "sha256:libm", 0, 1500, 500, "sha256:m0"))),
              new LayerChunkTable(
                  APP_V1,
                  List.of(
                      e("/app/main", "sha256:main1", 0, 0, 4000, "sha256:a0"),
                      e("/app/main", "sha256:main1", 4 << 20, 4000, 3000, "sha256:a1"),
                      e("/app/conf", "sha256:conf1", 0, 8000, 200, "sha256:k0"),
                      // two small files sharing one compressed chunk
                      e("/app/x", "sha256:x", 0, 9000, 100, "sha256:x0"),
                      e("/app/y", "sha256:y", 0, 9000, 100, "sha256:y0"),
                      e("/app/nodigest", "", 0, 9500, 50, "sha256:n0")))));

  private static final ImageChunkTable TARGET =
      new ImageChunkTable(
          V2,
          List.of(
              new LayerChunkTable(
                  BASE,
                  List.of(
                      e("/lib/libc.so", "sha256:libc", 0, 0, 1000, "sha256:c0"),
                      e("/lib/libm.so", "sha256:libm", 0, 1500, 500, "sha256:m0"))),
              new LayerChunkTable(
                  APP_V2,
                  List.of(
                      e("/app/new", "sha256:new", 0, 0, 700, "sha256:new0"),
                      e("/app/main", "sha256:main1", 0, 1000, 4000, "sha256:a0"),
                      e("/app/main", "sha256:main1", 4 << 20, 5000, 3000, "sha256:a1"),
                      e("/app/conf", "sha256:conf2", 0, 9000, 210, "sha256:k2"), // changed
                      e("/app/x", "sha256:x", 0, 10000, 60, "sha256:x0"),
                      e("/app/y", "sha256:y", 0, 10100, 60, "sha256:y0"),
                      e("/app/nodigest", "", 0, 11000, 50, "sha256:n0")))));

  private static PlannedRange range(long off, long len, long neededBy, String... digests) {
    return PlannedRange.newBuilder()
        .setCompressedOffset(off)
        .setCompressedLength(len)
        .setNeededByMicros(neededBy)
        .addAllChunkDigests(List.of(digests))
        .build();
  }

  private static ReplayPlan sourcePlan() {
    return ReplayPlan.newBuilder()
        .setApp("web")
        .setManifestDigest(V1)
        .setVersion(3)
        .addLayers(
            LayerPlan.newBuilder()
                .setLayerIndex(0)
                .setLayerDigest(BASE)
                .addRanges(range(0, 2000, 5, "sha256:c0", "sha256:m0")))
        .addLayers(
            LayerPlan.newBuilder()
                .setLayerIndex(1)
                .setLayerDigest(APP_V1)
                .addRanges(range(0, 7000, 10, "sha256:a0", "sha256:a1"))
                .addRanges(range(8000, 200, 20, "sha256:k0"))
                .addRanges(range(9000, 100, 30))
                .addRanges(range(9500, 50, 40)))
        .setProvenance(
            dev.tracefetch.api.v1.Provenance.newBuilder().setMinSupport(0.5).setCoverage(1.0))
        .build();
  }

  @Test
  void unchangedLayersMapExactlyAndChangedOnesByPathAndDigest() throws Exception {
    RankingSettings anyGaps =
        RankingSettings.builder().maxGapOverhead(Double.POSITIVE_INFINITY).build();
    MappedPlan mapped = new PlanMapper(anyGaps).map(sourcePlan(), SOURCE, TARGET);
    ReplayPlan plan = mapped.plan();

    assertThat(plan.getManifestDigest()).isEqualTo(V2);
    assertThat(plan.getApp()).isEqualTo("web");
    assertThat(plan.getVersion()).isEqualTo(3);
    assertThat(plan.getLayers(0)).isEqualTo(sourcePlan().getLayers(0));
    LayerPlan app = plan.getLayers(1);
    assertThat(app.getLayerDigest()).isEqualTo(APP_V2);
    // main (two adjacent chunks, now at 1000), x, y and nodigest; conf changed and is dropped.
    // Coalescing gaps < 64 KiB joins them all: 1000..11050, needed by 10.
    assertThat(app.getRangesList())
        .extracting(
            PlannedRange::getCompressedOffset,
            PlannedRange::getCompressedLength,
            PlannedRange::getNeededByMicros)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(1000L, 10050L, 10L));
    assertThat(app.getRanges(0).getChunkDigestsList())
        .containsExactly("sha256:a0", "sha256:a1", "sha256:x0", "sha256:y0", "sha256:n0");
    // Without coalescing, each chunk keeps the needed-by of the range it came from.
    ReplayPlan separate = new PlanMapper(SEPARATE).map(sourcePlan(), SOURCE, TARGET).plan();
    assertThat(separate.getLayers(1).getRangesList())
        .extracting(PlannedRange::getCompressedOffset, PlannedRange::getNeededByMicros)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(1000L, 10L),
            org.assertj.core.groups.Tuple.tuple(5000L, 10L),
            org.assertj.core.groups.Tuple.tuple(10000L, 30L),
            org.assertj.core.groups.Tuple.tuple(10100L, 30L),
            org.assertj.core.groups.Tuple.tuple(11000L, 40L));

    // Source bytes: base 1000 + 500, app 4000 + 3000 + 200 + 100 + 50; unmapped: conf 200.
    MappingReport report = mapped.report();
    assertThat(report.totalBytes()).isEqualTo(8850);
    assertThat(report.mappedBytes()).isEqualTo(8650);
    assertThat(report.totalChunks()).isEqualTo(7);
    assertThat(report.mappedChunks()).isEqualTo(6);
    assertThat(report.exactLayers()).isEqualTo(1);
    assertThat(report.remappedLayers()).isEqualTo(1);
    assertThat(plan.getProvenance().getCoverage()).isCloseTo(8650.0 / 8850, within(1e-12));
    assertThat(plan.getProvenance().getSourceManifestDigest()).isEqualTo(V1);
    assertThat(plan.getProvenance().getMinSupport()).isEqualTo(0.5);
  }

  @Test
  void refusesAPlanForAnotherImage() {
    ReplayPlan other = sourcePlan().toBuilder().setManifestDigest(V2).build();
    assertThatThrownBy(() -> new PlanMapper(RankingSettings.defaults()).map(other, SOURCE, TARGET))
        .isInstanceOf(PlanMappingException.class)
        .hasMessageContaining(V2)
        .hasMessageContaining(V1);
    ReplayPlan wrongLayer =
        sourcePlan().toBuilder()
            .setLayers(1, sourcePlan().getLayers(1).toBuilder().setLayerIndex(5))
            .build();
    assertThatThrownBy(
            () -> new PlanMapper(RankingSettings.defaults()).map(wrongLayer, SOURCE, TARGET))
        .isInstanceOf(PlanMappingException.class)
        .hasMessageContaining("layer 5");
  }

  @Test
  void mapsAProfileKeepingTheEarliestAccess() throws Exception {
    TraceProfile profile =
        TraceProfile.create(
            "t1",
            "web",
            V1,
            SOURCE.layerDigests(),
            Profiles.goodFacts(),
            new long[] {
              ChunkKeys.of(0, 1500),
              ChunkKeys.of(1, 4000),
              ChunkKeys.of(1, 8000),
              ChunkKeys.of(1, 9000)
            },
            new int[] {5, 7, 9, 11},
            new int[] {500, 3000, 200, 100},
            null);
    MappedProfile mapped = new PlanMapper(RankingSettings.defaults()).map(profile, SOURCE, TARGET);
    TraceProfile p = mapped.profile();
    assertThat(p.manifestDigest()).isEqualTo(V2);
    assertThat(p.layerDigests()).isEqualTo(TARGET.layerDigests());
    assertThat(p.traceId()).isEqualTo("t1");
    Map<Long, Integer> times = new HashMap<>();
    for (int i = 0; i < p.chunkCount(); i++) {
      times.put(p.chunkKey(i), p.firstAccessMicros(i));
    }
    assertThat(times)
        .containsOnlyKeys(
            ChunkKeys.of(0, 1500),
            ChunkKeys.of(1, 5000),
            ChunkKeys.of(1, 10000),
            ChunkKeys.of(1, 10100))
        .containsEntry(ChunkKeys.of(1, 10000), 11)
        .containsEntry(ChunkKeys.of(1, 10100), 11);
    assertThat(p.compressedLength(p.indexOf(ChunkKeys.of(1, 10000)))).isEqualTo(60);
    assertThat(p.chunkDigest(p.indexOf(ChunkKeys.of(1, 5000)))).isEqualTo("sha256:a1");
    assertThat(mapped.report().totalBytes()).isEqualTo(3800);
    assertThat(mapped.report().mappedBytes()).isEqualTo(3600);
    assertThat(mapped.report().coverage()).isCloseTo(3600.0 / 3800, within(1e-12));
    assertThatThrownBy(() -> new PlanMapper(RankingSettings.defaults()).map(p, SOURCE, TARGET))
        .isInstanceOf(PlanMappingException.class)
        .hasMessageContaining("recorded on image " + V2);
  }

  @Test
  void aMergedPlanServesANewImageWithOneLayerChanged() throws Exception {
    Fixture f = new Fixture(41);
    RankingState state = RankingState.of(f.normals(8));
    TraceRanking ranking = new TraceRanker(SEPARATE).rank(state, NOW);
    PlanMerger merger = new PlanMerger(SEPARATE);
    ReplayPlan v1Plan = merger.merge(state, ranking, new PlanHeader(1, 0));
    List<PlannedChunk> consensus = merger.consensus(state, ranking.traceIds());

    int changed = 2;
    Set<String> modified = new HashSet<>();
    List<String> paths = new ArrayList<>(f.image.paths(changed));
    paths.sort(null);
    for (int i = 0; i < paths.size(); i += 4) {
      modified.add(paths.get(i)); // every fourth file of layer 2 changes
    }
    SyntheticImage v2 = f.image.withChangedLayer(99, changed, modified);
    MappedPlan mapped = new PlanMapper(SEPARATE).map(v1Plan, f.image.table(), v2.table());

    // Unchanged layers: identical ranges.
    for (LayerPlan layer : v1Plan.getLayersList()) {
      if (layer.getLayerIndex() != changed) {
        assertThat(mapped.plan().getLayersList()).contains(layer);
      }
    }
    // Changed layer: exactly the planned chunks of unmodified files, at their new offsets.
    Map<String, SyntheticImage.Chunk> v2ByFileChunk = new HashMap<>();
    for (SyntheticImage.Chunk c : v2.layer(changed)) {
      v2ByFileChunk.put(c.path() + "@" + c.chunkOffset(), c);
    }
    Map<Long, SyntheticImage.Chunk> v1ByKey = new HashMap<>();
    for (SyntheticImage.Chunk c : f.image.allChunks()) {
      v1ByKey.put(c.key(), c);
    }
    long total = 0;
    long lost = 0;
    Set<Long> expectedOffsets = new HashSet<>();
    for (PlannedChunk pc : consensus) {
      total += pc.compressedLength();
      if (pc.layerIndex() != changed) {
        continue;
      }
      SyntheticImage.Chunk c = v1ByKey.get(ChunkKeys.of(pc.layerIndex(), pc.compressedOffset()));
      if (modified.contains(c.path())) {
        lost += pc.compressedLength();
      } else {
        expectedOffsets.add(v2ByFileChunk.get(c.path() + "@" + c.chunkOffset()).offset());
      }
    }
    assertThat(lost).isPositive();
    LayerPlan changedLayer =
        mapped.plan().getLayersList().stream()
            .filter(l -> l.getLayerIndex() == changed)
            .findFirst()
            .orElseThrow();
    assertThat(changedLayer.getLayerDigest()).isEqualTo(v2.layerDigests().get(changed));
    assertThat(changedLayer.getRangesList())
        .extracting(PlannedRange::getCompressedOffset)
        .containsExactlyInAnyOrderElementsOf(expectedOffsets);
    assertThat(mapped.plan().getProvenance().getCoverage())
        .isCloseTo((total - lost) / (double) total, within(1e-12));
    assertThat(mapped.plan().getProvenance().getSourceManifestDigest())
        .isEqualTo(f.image.manifestDigest());
    assertThat(mapped.plan().getManifestDigest()).isEqualTo(v2.manifestDigest());
  }
}
