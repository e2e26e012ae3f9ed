package dev.tracefetch.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChunkKeysTest {

  @Test
  void packsAndUnpacksLayerAndOffset() {
    long key = ChunkKeys.of(5, 123_456_789L);
    assertThat(ChunkKeys.layerIndex(key)).isEqualTo(5);
    assertThat(ChunkKeys.offset(key)).isEqualTo(123_456_789L);
    long max = ChunkKeys.of(ChunkKeys.MAX_LAYER_INDEX, ChunkKeys.MAX_OFFSET);
    assertThat(max).isPositive();
    assertThat(ChunkKeys.layerIndex(max)).isEqualTo(ChunkKeys.MAX_LAYER_INDEX);
    assertThat(ChunkKeys.offset(max)).isEqualTo(ChunkKeys.MAX_OFFSET);
  }

  @Test
  void keysSortByLayerThenOffset() {
    assertThat(ChunkKeys.of(0, ChunkKeys.MAX_OFFSET)).isLessThan(ChunkKeys.of(1, 0));
    assertThat(ChunkKeys.of(1, 10)).isLessThan(ChunkKeys.of(1, 11));
  }

  @Test
  void rejectsValuesThatDoNotFit() {
    assertThatThrownBy(() -> ChunkKeys.of(-1, 0)).hasMessageContaining("layer index -1");
    assertThatThrownBy(() -> ChunkKeys.of(ChunkKeys.MAX_LAYER_INDEX + 1, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ChunkKeys.of(0, ChunkKeys.MAX_OFFSET + 1))
        .hasMessageContaining("compressed offset");
    assertThatThrownBy(() -> ChunkKeys.of(0, -5)).hasMessageContaining("-5");
  }

  @Test
  void gallopFindsTheLowerBoundLikeABinarySearch() {
    Random rnd = new Random(42);
    for (int round = 0; round < 200; round++) {
      long[] sorted = rnd.longs(rnd.nextInt(300), 0, 1000).sorted().distinct().toArray();
      for (int probe = 0; probe < 50; probe++) {
        int from = sorted.length == 0 ? 0 : rnd.nextInt(sorted.length + 1);
        long key = rnd.nextInt(1100) - 50;
        int expected = from;
        while (expected < sorted.length && sorted[expected] < key) {
          expected++;
        }
        assertThat(ChunkKeys.gallop(sorted, from, sorted.length, key))
            .as("key %d from %d in %s", key, from, Arrays.toString(sorted))
            .isEqualTo(expected);
      }
    }
  }
}
