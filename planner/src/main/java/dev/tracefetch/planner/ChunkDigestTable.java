package dev.tracefetch.planner;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The {@code sha256} chunk digests of one image, known once for the image instead of once per
 * trace.
 *
 * <p>Why it exists: a chunk's digest is a fact about the image, the same in every trace that reads
 * the chunk, and at 33 bytes per chunk the digests were four fifths of every stored profile. A
 * store keeps them in a table like this one, adds only the digests a new trace brings, and writes
 * profiles that leave out every digest the table holds ({@link ProfileExtractor#encode(String,
 * String, java.util.List, TraceFacts, ChunkDigestTable)}); {@link TraceProfileCodec#decode(byte[],
 * ChunkCatalog, ChunkDigestTable)} puts them back.
 *
 * <p>Entries are only ever added, and the first digest given for a key stays. Thread-safe: many
 * readers, one writer at a time. Lookups are batched under one read lock because an upload looks up
 * thousands of keys. Open addressing on primitive arrays, so that a million chunks cost about 56 MB
 * and no objects.
 */
public final class ChunkDigestTable {
  /** What {@link #classify} found for one chunk. */
  public static final byte UNKNOWN = 0;

  public static final byte SAME = 1;
  public static final byte DIFFERENT = 2;

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long EMPTY_SLOT = Long.MIN_VALUE; // never a chunk key (keys are >= 0)

  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  private long[] slots; // key per slot, EMPTY_SLOT when free
  private int[] entryAt; // entry index per slot
  private byte[] digests; // 32 bytes per entry
  private int size;

  public ChunkDigestTable() {
    slots = new long[64];
    Arrays.fill(slots, EMPTY_SLOT);
    entryAt = new int[64];
    digests = new byte[32 * 32];
  }

  /** Number of chunks with a digest. */
  public int size() {
    lock.readLock().lock();
    try {
      return size;
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * Adds {@code keys[i]} with the 32 bytes at {@code digests[32 * i]}, for {@code i < count}; keys
   * already present keep their digest.
   *
   * @return how many keys were new
   */
  public int addAll(long[] keys, byte[] digests, int count) {
    if (keys.length < count || digests.length < 32L * count) {
      throw new IllegalArgumentException(
          count
              + " digests asked for but "
              + keys.length
              + " keys and "
              + digests.length
              + " bytes");
    }
    lock.writeLock().lock();
    try {
      int added = 0;
      for (int i = 0; i < count; i++) {
        if (keys[i] < 0) {
          throw new IllegalArgumentException("chunk key " + keys[i] + " is negative");
        }
        if (putIfAbsent(keys[i], digests, 32 * i)) {
          added++;
        }
      }
      return added;
    } finally {
      lock.writeLock().unlock();
    }
  }

  /**
   * For each {@code i < count}: {@link #UNKNOWN} when the table has no digest for {@code keys[i]},
   * {@link #SAME} when it has the 32 bytes at {@code raw[rawOffsets[i]]}, {@link #DIFFERENT} when
   * it has another; into {@code out[i]}. {@code rawOffsets[i] < 0} means no digest to compare:
   * {@link #UNKNOWN}.
   */
  public void classify(long[] keys, byte[] raw, int[] rawOffsets, int count, byte[] out) {
    lock.readLock().lock();
    try {
      for (int i = 0; i < count; i++) {
        int off = rawOffsets[i];
        int entry = off < 0 ? -1 : find(keys[i]);
        if (entry < 0) {
          out[i] = UNKNOWN;
        } else {
          out[i] = sameDigest(digests, 32 * entry, raw, off) ? SAME : DIFFERENT;
        }
      }
    } finally {
      lock.readLock().unlock();
    }
  }

  /** The digest of {@code key} as {@code sha256:<hex>}, or null when the table has none. */
  public String digest(long key) {
    byte[] raw = new byte[32];
    lock.readLock().lock();
    try {
      int entry = find(key);
      if (entry < 0) {
        return null;
      }
      System.arraycopy(digests, 32 * entry, raw, 0, 32);
    } finally {
      lock.readLock().unlock();
    }
    return TraceProfileCodec.sha256String(raw);
  }

  /**
   * Whether the 32 bytes at {@code a[ai]} and {@code b[bi]} are equal, as four long reads: for one
   * digest this is several times cheaper than {@code Arrays.equals} over ranges, and an upload
   * compares tens of thousands.
   */
  static boolean sameDigest(byte[] a, int ai, byte[] b, int bi) {
    return (long) LONGS.get(a, ai) == (long) LONGS.get(b, bi)
        && (long) LONGS.get(a, ai + 8) == (long) LONGS.get(b, bi + 8)
        && (long) LONGS.get(a, ai + 16) == (long) LONGS.get(b, bi + 16)
        && (long) LONGS.get(a, ai + 24) == (long) LONGS.get(b, bi + 24);
  }

  private int find(long key) {
    int mask = slots.length - 1;
    for (int s = slot(key, mask); ; s = (s + 1) & mask) {
      long k = slots[s];
      if (k == key) {
        return entryAt[s];
      }
      if (k == EMPTY_SLOT) {
        return -1;
      }
    }
  }

  private boolean putIfAbsent(long key, byte[] raw, int offset) {
    if (2 * (size + 1) > slots.length) {
      grow();
    }
    int mask = slots.length - 1;
    int s = slot(key, mask);
    while (slots[s] != EMPTY_SLOT) {
      if (slots[s] == key) {
        return false;
      }
      s = (s + 1) & mask;
    }
    if (32 * (size + 1) > digests.length) {
      digests = Arrays.copyOf(digests, Math.max(digests.length * 2, 32 * (size + 1)));
    }
    System.arraycopy(raw, offset, digests, 32 * size, 32);
    slots[s] = key;
    entryAt[s] = size;
    size++;
    return true;
  }

  private void grow() {
    long[] oldSlots = slots;
    int[] oldEntries = entryAt;
    slots = new long[oldSlots.length * 2];
    Arrays.fill(slots, EMPTY_SLOT);
    entryAt = new int[slots.length];
    int mask = slots.length - 1;
    for (int i = 0; i < oldSlots.length; i++) {
      if (oldSlots[i] != EMPTY_SLOT) {
        int s = slot(oldSlots[i], mask);
        while (slots[s] != EMPTY_SLOT) {
          s = (s + 1) & mask;
        }
        slots[s] = oldSlots[i];
        entryAt[s] = oldEntries[i];
      }
    }
  }

  private static int slot(long key, int mask) {
    long h = key * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32)) & mask;
  }
}
