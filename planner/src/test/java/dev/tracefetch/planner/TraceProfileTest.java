package dev.tracefetch.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracefetch.api.v1.AccessEvent;
import dev.tracefetch.api.v1.ChunkRef;
import dev.tracefetch.api.v1.LayerDescriptor;
import dev.tracefetch.api.v1.Readiness;
import dev.tracefetch.api.v1.RecordingContext;
import dev.tracefetch.api.v1.Trace;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TraceProfileTest {

  private static ChunkRef ref(int layer, long offset, long length, String digest) {
    return ChunkRef.newBuilder()
        .setLayerIndex(layer)
        .setCompressedOffset(offset)
        .setCompressedLength(length)
        .setChunkDigest(digest)
        .build();
  }

  private static AccessEvent event(long time, ChunkRef... refs) {
    AccessEvent.Builder event =
        AccessEvent.newBuilder().setTimeOffsetMicros(time).setKind(AccessEvent.Kind.READ);
    for (ChunkRef ref : refs) {
      event.addChunks(ref);
    }
    return event.build();
  }

  private static Trace.Builder trace() {
    return Trace.newBuilder()
        .setApp("web")
        .setManifestDigest(Profiles.MANIFEST)
        .addLayers(LayerDescriptor.newBuilder().setDigest(Profiles.LAYERS.get(0)))
        .addLayers(LayerDescriptor.newBuilder().setDigest(Profiles.LAYERS.get(1)))
        .setContext(
            RecordingContext.newBuilder()
                .setStartWallTimeUnixMicros(1_700_000_000_000_000L)
                .setDroppedEvents(3)
                .setReadiness(
                    Readiness.newBuilder()
                        .setKind(Readiness.Kind.HTTP)
                        .setReached(true)
                        .setTimeToReadyMicros(1_200_000)));
  }

  @Test
  void keepsDistinctChunksSortedWithTheirFirstAccess() throws Exception {
    Trace t =
        trace()
            .addEvents(event(500, ref(1, 4096, 100, "sha256:b")))
            .addEvents(event(100, ref(0, 8192, 50, ""), ref(1, 0, 30, "sha256:a")))
            .addEvents(event(50, ref(1, 4096, 100, "")))
            .addEvents(AccessEvent.newBuilder().setTimeOffsetMicros(10).build())
            .build();

    TraceProfile p = TraceProfile.of("t1", t, 0);

    assertThat(p.chunkCount()).isEqualTo(3);
    Map<Long, Integer> firstAccess = new HashMap<>();
    for (int i = 0; i < p.chunkCount(); i++) {
      firstAccess.put(p.chunkKey(i), p.firstAccessMicros(i));
      if (i > 0) {
        assertThat(p.chunkKey(i)).isGreaterThan(p.chunkKey(i - 1));
      }
    }
    assertThat(firstAccess)
        .containsEntry(ChunkKeys.of(0, 8192), 100)
        .containsEntry(ChunkKeys.of(1, 0), 100)
        .containsEntry(ChunkKeys.of(1, 4096), 50);
    assertThat(p.bytesRead()).isEqualTo(180);
    assertThat(p.chunkDigest(p.indexOf(ChunkKeys.of(1, 4096)))).isEqualTo("sha256:b");
    assertThat(p.chunkDigest(p.indexOf(ChunkKeys.of(0, 8192)))).isEmpty();
    assertThat(p.app()).isEqualTo("web");
    assertThat(p.manifestDigest()).isEqualTo(Profiles.MANIFEST);
    assertThat(p.layerDigests()).containsExactly(Profiles.LAYERS.get(0), Profiles.LAYERS.get(1));
    assertThat(p.facts())
        .isEqualTo(new TraceFacts("http", true, 1_200_000, 3, false, 1_700_000_000_000_000L, 4));
  }

  @Test
  void usesTheReceivedTimeWhenTheRecordingHasNoWallClockStart() throws Exception {
    Trace t =
        trace()
            .setContext(RecordingContext.newBuilder().setReadiness(Readiness.newBuilder()))
            .build();
    TraceProfile p = TraceProfile.of("t1", t, 42);
    assertThat(p.facts().recordedUnixMicros()).isEqualTo(42);
    assertThat(p.facts().readinessKind()).isEmpty();
    assertThat(p.facts().readinessReached()).isFalse();
    assertThat(p.chunkCount()).isZero();
  }

  @Test
  void rejectsAZeroLengthChunkNamingTheEvent() {
    Trace t =
        trace()
            .addEvents(event(1, ref(0, 0, 10, "")))
            .addEvents(event(2, ref(0, 10, 0, "")))
            .build();
    assertThatThrownBy(() -> TraceProfile.of("t9", t, 0))
        .isInstanceOf(InvalidTraceException.class)
        .hasMessageContaining("trace t9")
        .hasMessageContaining("event 1 chunk 0")
        .hasMessageContaining("compressed_length 0");
  }

  @Test
  void rejectsALayerOutsideTheImage() {
    Trace t = trace().addEvents(event(1, ref(2, 0, 10, ""))).build();
    assertThatThrownBy(() -> TraceProfile.of("t9", t, 0))
        .isInstanceOf(InvalidTraceException.class)
        .hasMessageContaining("layer_index 2")
        .hasMessageContaining("2 layers");
  }

  @Test
  void rejectsTheSameChunkWithTwoLengths() {
    Trace t =
        trace()
            .addEvents(event(1, ref(0, 64, 10, "")))
            .addEvents(event(2, ref(0, 64, 11, "")))
            .build();
    assertThatThrownBy(() -> TraceProfile.of("t9", t, 0))
        .isInstanceOf(InvalidTraceException.class)
        .hasMessageContaining("layer 0 offset 64")
        .hasMessageContaining("11")
        .hasMessageContaining("10");
  }

  @Test
  void rejectsTheSameChunkWithTwoDigests() {
    Trace t =
        trace()
            .addEvents(event(1, ref(0, 64, 10, "sha256:x")))
            .addEvents(event(2, ref(0, 64, 10, "sha256:y")))
            .build();
    assertThatThrownBy(() -> TraceProfile.of("t9", t, 0))
        .isInstanceOf(InvalidTraceException.class)
        .hasMessageContaining("sha256:y");
  }

  @Test
  void rejectsNegativeTimes() {
    Trace t = trace().addEvents(event(-5, ref(0, 64, 10, ""))).build();
    assertThatThrownBy(() -> TraceProfile.of("t9", t, 0))
        .isInstanceOf(InvalidTraceException.class)
        .hasMessageContaining("-5");
  }

  @Test
  void createValidatesItsParts() {
    TraceFacts facts = Profiles.goodFacts();
    assertThatThrownBy(
            () ->
                TraceProfile.create(
                    "x",
                    "a",
                    "m",
                    Profiles.LAYERS,
                    facts,
                    new long[] {5, 5},
                    new int[2],
                    new int[] {1, 1},
                    null))
        .isInstanceOf(InvalidTraceException.class)
        .hasMessageContaining("not strictly ascending");
    assertThatThrownBy(
            () ->
                TraceProfile.create(
                    "x",
                    "a",
                    "m",
                    Profiles.LAYERS,
                    facts,
                    new long[] {ChunkKeys.of(3, 0)},
                    new int[1],
                    new int[] {1},
                    null))
        .isInstanceOf(InvalidTraceException.class)
        .hasMessageContaining("layer 3");
    assertThatThrownBy(
            () ->
                TraceProfile.create(
                    "x",
                    "a",
                    "m",
                    Profiles.LAYERS,
                    facts,
                    new long[] {1},
                    new int[1],
                    new int[] {0},
                    null))
        .isInstanceOf(InvalidTraceException.class)
        .hasMessageContaining("non-positive length");
  }

  @Test
  void extractsSyntheticTracesConsistently() throws Exception {
    SyntheticImage image = SyntheticImage.generate(1, 3, 200);
    SyntheticTraces traces =
        new SyntheticTraces(
            image, new SyntheticTraces.Shape(150, 400, 2_000_000, 0.1, 0.02, 0.01), 2);
    Trace t = traces.normal(0);
    TraceProfile p = TraceProfile.of("n0", t, 0);
    long expectedBytes = 0;
    Map<Long, Long> expectedFirst = new java.util.TreeMap<>();
    for (AccessEvent e : t.getEventsList()) {
      for (ChunkRef r : e.getChunksList()) {
        Long key = ChunkKeys.of(r.getLayerIndex(), r.getCompressedOffset());
        if (!expectedFirst.containsKey(key)) {
          expectedBytes += r.getCompressedLength();
        }
        expectedFirst.merge(key, e.getTimeOffsetMicros(), Math::min);
      }
    }
    assertThat(p.chunkCount()).isEqualTo(expectedFirst.size());
    assertThat(p.bytesRead()).isEqualTo(expectedBytes);
    int i = 0;
    for (Map.Entry<Long, Long> entry : expectedFirst.entrySet()) {
      assertThat(p.chunkKey(i)).isEqualTo(entry.getKey());
      assertThat((long) p.firstAccessMicros(i)).isEqualTo(entry.getValue());
      i++;
    }
    assertThat(p.withoutChunkDigests().hasChunkDigests()).isFalse();
    assertThat(p.withoutChunkDigests().chunkDigest(0)).isEmpty();
  }
}
