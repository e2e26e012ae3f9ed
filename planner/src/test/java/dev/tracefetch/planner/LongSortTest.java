package dev.tracefetch.planner;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LongSortTest {

  private static void assertSortsLikeArraysSort(long[] values) {
    long[] expected = values.clone();
    Arrays.sort(expected);
    long[] actual = values.clone();
    LongSort.sort(actual);
    assertThat(actual).isEqualTo(expected);
  }

  @Test
  void sortsChunkKeysOfEverySizeAndSpread() {
    Random random = new Random(5);
    for (int n : new int[] {0, 1, 511, 512, 513, 5_000, 40_000}) {
      long[] keys = new long[n];
      for (int i = 0; i < n; i++) {
        keys[i] = ChunkKeys.of(random.nextInt(6), random.nextInt(1 << 22) * 4096L);
      }
      assertSortsLikeArraysSort(keys);
      long[] wide = new long[n];
      for (int i = 0; i < n; i++) {
        wide[i] = random.nextLong() >>> 1; // every digit varies
      }
      assertSortsLikeArraysSort(wide);
    }
  }

  @Test
  void keepsDuplicatesAndHandlesConstantAndNegativeValues() {
    long[] dupes = new long[2_000];
    for (int i = 0; i < dupes.length; i++) {
      dupes[i] = (dupes.length - i) % 7 * 65_536L;
    }
    assertSortsLikeArraysSort(dupes);
    long[] constant = new long[1_000];
    Arrays.fill(constant, 42);
    assertSortsLikeArraysSort(constant);
    long[] negative = new long[1_000];
    for (int i = 0; i < negative.length; i++) {
      negative[i] = (i % 2 == 0 ? -1 : 1) * (long) i * 1_000_003L;
    }
    assertSortsLikeArraysSort(negative);
  }
}
