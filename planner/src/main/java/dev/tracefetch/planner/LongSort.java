package dev.tracefetch.planner;

import java.util.Arrays;

/**
 * Sorts chunk keys by radix: a profile sorts the tens of thousands of distinct keys of every
 * uploaded trace, and a comparison sort of them was a tenth of an upload's CPU. Keys are
 * non-negative and share most of their bits (layer index high, chunk-aligned offsets low), so an
 * LSD radix sort that skips the digits all keys agree on takes two or three passes.
 */
final class LongSort {
  private static final int BITS = 11;
  private static final int MASK = (1 << BITS) - 1;
  private static final int SMALL = 512;

  private LongSort() {}

  /** Sorts {@code a} ascending, like {@link Arrays#sort(long[])}. */
  static void sort(long[] a) {
    int n = a.length;
    if (n < SMALL) {
      Arrays.sort(a);
      return;
    }
    long or = 0;
    long and = -1;
    for (long v : a) {
      or |= v;
      and &= v;
    }
    if (or < 0) {
      Arrays.sort(a); // negative values: a radix order on raw bits would be wrong
      return;
    }
    long varying = or ^ and;
    long[] src = a;
    long[] dst = new long[n];
    int[] start = new int[1 << BITS];
    for (int shift = 0; shift < 64; shift += BITS) {
      if (((varying >>> shift) & MASK) == 0) {
        continue; // every key has the same digit here
      }
      Arrays.fill(start, 0);
      for (long v : src) {
        start[(int) ((v >>> shift) & MASK)]++;
      }
      int sum = 0;
      for (int d = 0; d < start.length; d++) {
        int c = start[d];
        start[d] = sum;
        sum += c;
      }
      for (long v : src) {
        dst[start[(int) ((v >>> shift) & MASK)]++] = v;
      }
      long[] t = src;
      src = dst;
      dst = t;
    }
    if (src != a) {
      System.arraycopy(src, 0, a, 0, n);
    }
  }
}
