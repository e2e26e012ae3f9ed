package dev.tracefetch.planner;

/**
 * Packs a chunk's position (layer index, compressed offset) into one {@code long}, so that the
 * chunk sets of a thousand traces are plain sorted {@code long[]} arrays: compact, cache friendly
 * and comparable with a merge walk instead of hash lookups. Sorting keys sorts chunks by layer,
 * then by offset.
 */
public final class ChunkKeys {
  /** Bits for the compressed offset: blobs up to 1 TiB. */
  public static final int OFFSET_BITS = 40;

  /** Largest layer index that fits (2^23 - 1). */
  public static final int MAX_LAYER_INDEX = (1 << (63 - OFFSET_BITS)) - 1;

  /** Largest compressed offset that fits (2^40 - 1). */
  public static final long MAX_OFFSET = (1L << OFFSET_BITS) - 1;

  private ChunkKeys() {}

  /**
   * Returns the key of the chunk at {@code compressedOffset} of layer {@code layerIndex}.
   *
   * @throws IllegalArgumentException when either value is negative or too large to pack
   */
  public static long of(int layerIndex, long compressedOffset) {
    if (layerIndex < 0 || layerIndex > MAX_LAYER_INDEX) {
      throw new IllegalArgumentException(
          "layer index " + layerIndex + " is outside [0, " + MAX_LAYER_INDEX + "]");
    }
    if (compressedOffset < 0 || compressedOffset > MAX_OFFSET) {
      throw new IllegalArgumentException(
          "compressed offset " + compressedOffset + " is outside [0, " + MAX_OFFSET + "]");
    }
    return ((long) layerIndex << OFFSET_BITS) | compressedOffset;
  }

  public static int layerIndex(long key) {
    return (int) (key >>> OFFSET_BITS);
  }

  public static long offset(long key) {
    return key & MAX_OFFSET;
  }

  /** Human-readable form for error messages, e.g. {@code layer 2 offset 4096}. */
  public static String describe(long key) {
    return "layer " + layerIndex(key) + " offset " + offset(key);
  }

  /**
   * Returns the index of the first element of {@code sorted[from, to)} that is {@code >= key}
   * ({@code to} when there is none), probing 1, 2, 4, ... elements ahead before a binary search.
   * Walking a trace's sorted keys through a much larger sorted catalog with this costs O(m log
   * (U/m)) instead of O(U), and stays a plain linear walk when both have similar sizes.
   */
  static int gallop(long[] sorted, int from, int to, long key) {
    if (from >= to || sorted[from] >= key) {
      return from;
    }
    int lo = from; // sorted[lo] < key
    int step = 1;
    int hi = from + 1;
    while (hi < to && sorted[hi] < key) {
      lo = hi;
      step <<= 1;
      hi = from + step;
    }
    if (hi > to) {
      hi = to;
    }
    // sorted[lo] < key and (hi == to or sorted[hi] >= key): answer in (lo, hi]
    int l = lo + 1;
    int h = hi;
    while (l < h) {
      int mid = (l + h) >>> 1;
      if (sorted[mid] < key) {
        l = mid + 1;
      } else {
        h = mid;
      }
    }
    return l;
  }
}
