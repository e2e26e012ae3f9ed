package dev.tracefetch.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ChunkDigestTableTest {

  private static byte[] digests(long seed, int count) {
    byte[] raw = new byte[32 * count];
    new Random(seed).nextBytes(raw);
    return raw;
  }

  @Test
  void holdsManyKeysAndKeepsTheFirstDigestOfEach() {
    Random random = new Random(3);
    int n = 50_000;
    long[] keys = new long[n];
    for (int i = 0; i < n; i++) {
      keys[i] = ChunkKeys.of(random.nextInt(4), random.nextInt(1 << 30) * 64L);
    }
    byte[] first = digests(1, n);
    ChunkDigestTable table = new ChunkDigestTable();

    int added = table.addAll(keys, first, n);
    int again = table.addAll(keys, digests(2, n), n);

    assertThat(again).isZero();
    assertThat(added).isEqualTo(table.size()).isGreaterThan(n - 10);
    byte[] expected = new byte[32];
    System.arraycopy(first, 32 * 777, expected, 0, 32);
    assertThat(table.digest(keys[777])).isEqualTo(TraceProfileCodec.sha256String(expected));
    assertThat(table.digest(ChunkKeys.of(5, 1))).isNull();
  }

  @Test
  void classifiesEachChunkAgainstTheTable() {
    byte[] raw = digests(4, 4);
    ChunkDigestTable table = new ChunkDigestTable();
    table.addAll(new long[] {10, 20, 40}, raw, 3);
    byte[] asked = raw.clone();
    asked[32] ^= 1; // key 20: another digest, from its first byte
    asked[64 + 31] ^= 1; // key 40: another digest, in its last byte only

    byte[] status = new byte[5];
    table.classify(
        new long[] {10, 20, 40, 30, 10}, asked, new int[] {0, 32, 64, 96, -1}, 5, status);

    assertThat(status)
        .containsExactly(
            ChunkDigestTable.SAME,
            ChunkDigestTable.DIFFERENT,
            ChunkDigestTable.DIFFERENT,
            ChunkDigestTable.UNKNOWN,
            ChunkDigestTable.UNKNOWN);
  }

  @Test
  void refusesNegativeKeysAndShortDigestArrays() {
    ChunkDigestTable table = new ChunkDigestTable();
    assertThatThrownBy(() -> table.addAll(new long[] {-1}, new byte[32], 1))
        .hasMessageContaining("chunk key -1 is negative");
    assertThatThrownBy(() -> table.addAll(new long[] {1, 2}, new byte[40], 2))
        .hasMessageContaining("2 digests asked for but 2 keys and 40 bytes");
    assertThat(table.size()).isZero();
  }
}
