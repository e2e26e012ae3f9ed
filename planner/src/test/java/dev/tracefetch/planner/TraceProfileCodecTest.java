package dev.tracefetch.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TraceProfileCodecTest {

  private static TraceProfile sample() throws Exception {
    SyntheticImage image = SyntheticImage.generate(3, 3, 300);
    SyntheticTraces traces =
        new SyntheticTraces(
            image, new SyntheticTraces.Shape(200, 500, 3_000_000, 0.1, 0.02, 0.01), 4);
    return TraceProfile.of("trace-1", traces.normal(1), 0);
  }

  @Test
  void roundTripsAProfileWithDigests() throws Exception {
    TraceProfile p = sample();
    TraceProfile decoded = TraceProfileCodec.decode(TraceProfileCodec.encode(p));
    assertThat(decoded).isEqualTo(p);
    assertThat(decoded.chunkDigest(0)).isEqualTo(p.chunkDigest(0)).startsWith("sha256:");
  }

  @Test
  void roundTripsAProfileWithoutDigestsAndOddDigestForms() throws Exception {
    TraceProfile stripped = sample().withoutChunkDigests();
    assertThat(TraceProfileCodec.decode(TraceProfileCodec.encode(stripped))).isEqualTo(stripped);

    TraceProfile odd =
        TraceProfile.create(
            "ü-id",
            "app",
            "m",
            Profiles.LAYERS,
            new TraceFacts("", false, 0, 7, true, 0, 3),
            new long[] {1, ChunkKeys.of(2, 1L << 35)},
            new int[] {0, Integer.MAX_VALUE},
            new int[] {1, Integer.MAX_VALUE},
            new String[] {"SHA256:ABC", null});
    assertThat(TraceProfileCodec.decode(TraceProfileCodec.encode(odd))).isEqualTo(odd);
  }

  @Test
  void decodingAgainstAKnownCatalogSharesItsDigests() throws Exception {
    Fixture f = new Fixture(7);
    TraceProfile first = f.normal(0);
    TraceProfile second = f.normal(1);
    RankingState state = RankingState.of(java.util.List.of(first));
    TraceProfile decoded =
        TraceProfileCodec.decode(TraceProfileCodec.encode(second), state.catalog());
    assertThat(decoded).isEqualTo(second);
    int shared = 0;
    for (int i = 0; i < decoded.chunkCount(); i++) {
      int at = state.catalog().indexOf(decoded.chunkKey(i));
      if (at >= 0) {
        assertThat(decoded.chunkDigest(i)).isSameAs(state.catalog().chunkDigest(at));
        shared++;
      }
    }
    assertThat(shared).isGreaterThan(decoded.chunkCount() / 2);
  }

  @Test
  void isCompact() throws Exception {
    TraceProfile p = sample();
    assertThat(TraceProfileCodec.encode(p.withoutChunkDigests()).length)
        .isLessThan(p.chunkCount() * 12 + 600);
  }

  @Test
  void rejectsWrongMagicAndVersion() throws Exception {
    byte[] bytes = TraceProfileCodec.encode(sample());
    byte[] wrongMagic = bytes.clone();
    wrongMagic[0] = 'X';
    assertThatThrownBy(() -> TraceProfileCodec.decode(wrongMagic))
        .isInstanceOf(ProfileFormatException.class)
        .hasMessageContaining("magic");
    byte[] wrongVersion = bytes.clone();
    wrongVersion[4] = 9;
    assertThatThrownBy(() -> TraceProfileCodec.decode(wrongVersion))
        .isInstanceOf(ProfileFormatException.class)
        .hasMessageContaining("version 9");
  }

  @Test
  void rejectsEveryTruncationAndTrailingBytes() throws Exception {
    TraceProfile p = Profiles.profile("t", Profiles.read(0, 10, 5, 1), Profiles.read(1, 99, 7, 3));
    byte[] bytes = TraceProfileCodec.encode(p);
    for (int n = 0; n < bytes.length; n++) {
      byte[] cut = Arrays.copyOf(bytes, n);
      assertThatThrownBy(() -> TraceProfileCodec.decode(cut))
          .as("prefix of %d bytes", n)
          .isInstanceOf(ProfileFormatException.class);
    }
    byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
    assertThatThrownBy(() -> TraceProfileCodec.decode(longer))
        .isInstanceOf(ProfileFormatException.class)
        .hasMessageContaining("trailing");
  }
}
