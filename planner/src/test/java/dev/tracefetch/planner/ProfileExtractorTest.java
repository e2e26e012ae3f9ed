package dev.tracefetch.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.tracefetch.api.v1.AccessEvent;
import dev.tracefetch.api.v1.ChunkRef;
import dev.tracefetch.api.v1.LayerDescriptor;
import dev.tracefetch.api.v1.Readiness;
import dev.tracefetch.api.v1.RecordingContext;
import dev.tracefetch.api.v1.Trace;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ProfileExtractorTest {

  private static byte[] extract(String id, Trace trace, long received) throws Exception {
    byte[] plain = extract(id, trace, received, false);
    assertThat(extract(id, trace, received, true)).as("with raw digests").isEqualTo(plain);
    return plain;
  }

  /**
   * Feeds {@code trace} to an extractor the way a scanner would, digests as buffer slices, and when
   * {@code decodeRaw} also decoded by {@link ProfileExtractor#decodeSha256} where possible.
   */
  private static byte[] extract(String id, Trace trace, long received, boolean decodeRaw)
      throws Exception {
    return extract(id, trace, received, decodeRaw, null).profile();
  }

  private static ExtractedProfile extract(
      String id, Trace trace, long received, boolean decodeRaw, ChunkDigestTable image)
      throws Exception {
    ByteArrayOutputStream digests = new ByteArrayOutputStream();
    List<int[]> slices = new ArrayList<>();
    for (AccessEvent event : trace.getEventsList()) {
      for (ChunkRef ref : event.getChunksList()) {
        byte[] d = ref.getChunkDigest().getBytes(StandardCharsets.UTF_8);
        slices.add(new int[] {digests.size(), d.length});
        digests.write(d);
      }
    }
    byte[] buffer = digests.toByteArray();
    byte[] raw = new byte[32 * slices.size()];
    ProfileExtractor extractor =
        decodeRaw
            ? new ProfileExtractor(id, trace.getLayersCount(), buffer, raw, 4)
            : new ProfileExtractor(id, trace.getLayersCount(), buffer, 4);
    int r = 0;
    for (int e = 0; e < trace.getEventsCount(); e++) {
      AccessEvent event = trace.getEvents(e);
      for (int c = 0; c < event.getChunksCount(); c++) {
        ChunkRef ref = event.getChunks(c);
        int[] slice = slices.get(r);
        boolean decoded =
            decodeRaw && ProfileExtractor.decodeSha256(buffer, slice[0], slice[1], raw, r);
        r++;
        extractor.add(
            e,
            c,
            event.getTimeOffsetMicros(),
            ref.getLayerIndex(),
            ref.getCompressedOffset(),
            ref.getCompressedLength(),
            slice[0],
            slice[1],
            decoded ? r - 1 : -1);
      }
    }
    assertThat(extractor.referenceCount()).isEqualTo(r);
    List<String> layers = new ArrayList<>();
    trace.getLayersList().forEach(l -> layers.add(l.getDigest()));
    return extractor.encode(
        trace.getApp(),
        trace.getManifestDigest(),
        layers,
        TraceProfile.facts(id, trace.getContext(), trace.getEventsCount(), received),
        image);
  }

  private static Trace.Builder base() {
    return Trace.newBuilder()
        .setApp("web")
        .setManifestDigest(Profiles.MANIFEST)
        .addLayers(LayerDescriptor.newBuilder().setDigest(Profiles.LAYERS.get(0)))
        .addLayers(LayerDescriptor.newBuilder().setDigest(Profiles.LAYERS.get(1)))
        .setContext(
            RecordingContext.newBuilder()
                .setDroppedEvents(2)
                .setReadiness(
                    Readiness.newBuilder()
                        .setKind(Readiness.Kind.TCP)
                        .setReached(true)
                        .setTimeToReadyMicros(900_000)));
  }

  private static ChunkRef ref(int layer, long offset, long length, String digest) {
    return ChunkRef.newBuilder()
        .setLayerIndex(layer)
        .setCompressedOffset(offset)
        .setCompressedLength(length)
        .setChunkDigest(digest)
        .build();
  }

  private static String digestOf(long offset) {
    return switch ((int) (offset % 5)) {
      case 0 -> "";
      case 1 -> "sha512:" + Long.toHexString(offset); // kept verbatim
      case 2 -> "sha256:" + String.format("%064X", offset); // upper case: kept verbatim
      default -> "sha256:" + String.format("%064x", offset * 7919);
    };
  }

  @Test
  void writesExactlyWhatEncodingTheProfileOfTheDecodedTraceWrites() throws Exception {
    Random random = new Random(7);
    Trace.Builder trace = base();
    for (int e = 0; e < 3_000; e++) {
      AccessEvent.Builder event =
          AccessEvent.newBuilder().setTimeOffsetMicros(random.nextInt(5_000_000));
      int chunks = random.nextInt(3);
      for (int c = 0; c < chunks; c++) {
        int layer = random.nextInt(2);
        long offset = random.nextInt(500) * 4096L;
        event.addChunks(ref(layer, offset, 4096 + layer, digestOf(offset + layer)));
      }
      trace.addEvents(event);
    }
    Trace t = trace.build();

    byte[] extracted = extract("t1", t, 123);

    assertThat(extracted).isEqualTo(TraceProfileCodec.encode(TraceProfile.of("t1", t, 123)));
    TraceProfile decoded = TraceProfileCodec.decode(extracted);
    assertThat(decoded).isEqualTo(TraceProfile.of("t1", t, 123));
    assertThat(decoded.chunkCount()).isGreaterThan(500);
  }

  @Test
  void digestsTheImageTableHoldsOrLacksLeaveTheProfileAndComeBackOnDecode() throws Exception {
    Random random = new Random(11);
    Trace.Builder trace = base();
    trace.addEvents(event(1, ref(0, 3 * 4096L, 4096, digestOf(3 * 4096L))));
    trace.addEvents(event(2, ref(0, 8 * 4096L, 4096, digestOf(8 * 4096L))));
    for (int e = 1; e < 2_000; e++) {
      long offset = random.nextInt(400) * 4096L;
      trace.addEvents(event(e * 10L, ref(0, offset, 4096, digestOf(offset))));
    }
    Trace t = trace.build();
    TraceProfile full = TraceProfile.of("t1", t, 5);
    long sha256Chunks =
        java.util.stream.IntStream.range(0, full.chunkCount())
            .filter(i -> full.chunkDigest(i).matches("sha256:[0-9a-f]{64}"))
            .count();
    // The table knows the chunk at offset 3 * 4096 with the trace's digest, and the chunk at
    // 8 * 4096 with another one.
    long agreed = ChunkKeys.of(0, 3 * 4096L);
    long contradicted = ChunkKeys.of(0, 8 * 4096L);
    byte[] raw = new byte[64];
    ProfileExtractor.decodeSha256(
        digestOf(3 * 4096L).getBytes(StandardCharsets.US_ASCII), 0, 71, raw, 0);
    raw[32] = 42;

    for (boolean decodeRaw : new boolean[] {false, true}) {
      ChunkDigestTable image = new ChunkDigestTable();
      image.addAll(new long[] {agreed, contradicted}, raw, 2);

      ExtractedProfile split = extract("t1", t, 5, decodeRaw, image);

      assertThat(split.newKeys()).as("digests the table lacks").hasSize((int) sha256Chunks - 2);
      assertThat(split.newKeys()).doesNotContain(agreed, contradicted);
      assertThat(split.profile().length)
          .as("profile without the digests")
          .isEqualTo(TraceProfileCodec.encode(full).length - 32 * (int) (sha256Chunks - 1));
      TraceProfile withoutTable = TraceProfileCodec.decode(split.profile());
      assertThat(withoutTable.chunkDigest(withoutTable.indexOf(agreed))).isEmpty();
      assertThat(withoutTable.chunkDigest(withoutTable.indexOf(contradicted)))
          .as("the trace's own digest stays where it contradicts the table")
          .isEqualTo(digestOf(8 * 4096L));

      image.addAll(split.newKeys(), split.newDigests(), split.newKeys().length);
      assertThat(TraceProfileCodec.decode(split.profile(), ChunkCatalog.EMPTY, image))
          .isEqualTo(full);
    }
  }

  @Test
  void anEmptyTraceGivesAnEmptyProfile() throws Exception {
    Trace t = base().build();
    assertThat(extract("t0", t, 5))
        .isEqualTo(TraceProfileCodec.encode(TraceProfile.of("t0", t, 5)));
  }

  @Test
  void refusesWhatTheDecodedPathRefusesWithTheSameMessage() {
    List<Trace> bad =
        List.of(
            base().addEvents(event(-1, ref(0, 0, 10, ""))).build(),
            base().addEvents(event(1, ref(2, 0, 10, ""))).build(),
            base().addEvents(event(1, ref(0, 0, 0, ""))).build(),
            base().addEvents(event(1, ref(0, -4, 10, ""))).build(),
            base()
                .addEvents(event(1, ref(0, 64, 10, "")))
                .addEvents(event(2, ref(1, 0, 5, ""), ref(0, 64, 11, "")))
                .build(),
            base()
                .addEvents(event(1, ref(0, 64, 10, "sha256:x")))
                .addEvents(event(2, ref(0, 64, 10, "sha256:y")))
                .build(),
            base()
                .addEvents(event(1, ref(0, 64, 10, "sha256:" + "ab".repeat(32))))
                .addEvents(event(2, ref(0, 64, 10, "sha256:" + "ab".repeat(31) + "ac")))
                .build(),
            base()
                .addEvents(event(1, ref(0, 64, 10, "sha256:" + "ab".repeat(32))))
                .addEvents(event(2, ref(0, 64, 10, "sha256:" + "AB".repeat(32))))
                .build());
    for (Trace t : bad) {
      Throwable expected = catchThrowable(() -> TraceProfile.of("t9", t, 0));
      for (boolean decodeRaw : new boolean[] {false, true}) {
        Throwable actual = catchThrowable(() -> extract("t9", t, 0, decodeRaw));
        assertThat(expected).isInstanceOf(InvalidTraceException.class);
        assertThat(actual).isInstanceOf(InvalidTraceException.class);
        assertThat(actual.getMessage()).isEqualTo(expected.getMessage());
      }
    }
  }

  private static AccessEvent event(long time, ChunkRef... refs) {
    AccessEvent.Builder event = AccessEvent.newBuilder().setTimeOffsetMicros(time);
    for (ChunkRef r : refs) {
      event.addChunks(r);
    }
    return event.build();
  }
}
