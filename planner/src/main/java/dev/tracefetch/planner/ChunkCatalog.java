package dev.tracefetch.planner;

import java.util.Arrays;

/**
 * The union of the chunks read by the traces of one image, with each chunk's compressed length,
 * digest (when any trace knew it) and support (how many traces read it).
 *
 * <p>Why it exists: lengths and digests are properties of the image, not of a trace, so they are
 * kept once here instead of in every cached profile. Each chunk also gets a dense <em>id</em> when
 * it first appears; a {@link RankingState} keeps, for every trace, the ids of its chunks, so that a
 * ranking pass adds into plain arrays indexed by id instead of searching a sorted key array for
 * each of millions of entries. Ids only change when {@link #minus} drops chunks no trace reads any
 * more; it then reports how they moved.
 *
 * <p>Immutable. Public accessors take a position {@code i} in key order ({@code 0 <= i < size()}),
 * so what a caller sees does not depend on the order in which traces were added; two catalogs are
 * equal when they hold the same chunks with the same lengths, digests and support.
 */
public final class ChunkCatalog {
  static final ChunkCatalog EMPTY =
      new ChunkCatalog(new long[0], new int[0], new long[0], new int[0], new String[0], new int[0]);

  private final long[] sortedKeys;
  private final int[] idAt; // id of the chunk at each sorted position
  private final long[] keyOf; // by id
  private final int[] lengthOf; // by id
  private final String[] digestOf; // by id, null when unknown
  private final int[] supportOf; // by id

  private ChunkCatalog(
      long[] sortedKeys,
      int[] idAt,
      long[] keyOf,
      int[] lengthOf,
      String[] digestOf,
      int[] supportOf) {
    this.sortedKeys = sortedKeys;
    this.idAt = idAt;
    this.keyOf = keyOf;
    this.lengthOf = lengthOf;
    this.digestOf = digestOf;
    this.supportOf = supportOf;
  }

  /** A catalog plus the chunk ids of the trace just added, parallel to its keys. */
  record Added(ChunkCatalog catalog, int[] ids) {}

  /** A catalog minus a trace; {@code remap} maps old ids to new ones, or is null if none moved. */
  record Removed(ChunkCatalog catalog, int[] remap) {}

  /** Adds one trace's chunks; {@code profile} must carry its digests if it has any. */
  Added plus(TraceProfile profile) throws InconsistentTraceException {
    long[] pk = profile.keysArray();
    int[] pl = profile.lengthsArray();
    String[] pd = profile.digestsArray();
    int[] ids = new int[pk.length];
    int added = 0;
    boolean newDigest = false;
    int c = 0;
    for (int i = 0; i < pk.length; i++) {
      c = ChunkKeys.gallop(sortedKeys, c, sortedKeys.length, pk[i]);
      if (c < sortedKeys.length && sortedKeys[c] == pk[i]) {
        int id = idAt[c];
        ids[i] = id;
        if (lengthOf[id] != pl[i]) {
          throw conflict(profile, pk[i], "compressed length " + pl[i], "" + lengthOf[id]);
        }
        if (pd != null && pd[i] != null) {
          if (digestOf[id] == null) {
            newDigest = true;
          } else if (!digestOf[id].equals(pd[i])) {
            throw conflict(profile, pk[i], "chunk digest " + pd[i], digestOf[id]);
          }
        }
      } else {
        ids[i] = -1;
        added++;
      }
    }
    int oldCount = keyOf.length;
    int newCount = oldCount + added;
    int[] support = Arrays.copyOf(supportOf, newCount);
    long[] keys = keyOf;
    int[] lengths = lengthOf;
    String[] digests = digestOf;
    long[] sorted = sortedKeys;
    int[] at = idAt;
    if (added > 0) {
      keys = Arrays.copyOf(keyOf, newCount);
      lengths = Arrays.copyOf(lengthOf, newCount);
      digests = Arrays.copyOf(digestOf, newCount);
      int next = oldCount;
      for (int i = 0; i < pk.length; i++) {
        if (ids[i] < 0) {
          ids[i] = next;
          keys[next] = pk[i];
          lengths[next] = pl[i];
          digests[next] = pd == null ? null : pd[i];
          next++;
        }
      }
      sorted = new long[newCount];
      at = new int[newCount];
      int a = 0;
      int b = 0;
      for (int o = 0; o < newCount; o++) {
        // new keys are exactly the profile keys whose id is >= oldCount
        while (b < pk.length && ids[b] < oldCount) {
          b++;
        }
        if (b >= pk.length || (a < sortedKeys.length && sortedKeys[a] < pk[b])) {
          sorted[o] = sortedKeys[a];
          at[o] = idAt[a];
          a++;
        } else {
          sorted[o] = pk[b];
          at[o] = ids[b];
          b++;
        }
      }
    } else if (newDigest) {
      digests = digestOf.clone();
    }
    for (int i = 0; i < pk.length; i++) {
      int id = ids[i];
      support[id]++;
      if (newDigest && id < oldCount && pd[i] != null && digests[id] == null) {
        digests[id] = pd[i];
      }
    }
    return new Added(new ChunkCatalog(sorted, at, keys, lengths, digests, support), ids);
  }

  /** Removes one trace's chunks, given by id; chunks no trace reads any more go. */
  Removed minus(String traceId, int[] ids) {
    int[] support = supportOf.clone();
    int gone = 0;
    for (int id : ids) {
      if (support[id] <= 0) {
        throw new IllegalStateException(
            "trace " + traceId + " was not in the catalog: " + ChunkKeys.describe(keyOf[id]));
      }
      if (--support[id] == 0) {
        gone++;
      }
    }
    if (gone == 0) {
      return new Removed(
          new ChunkCatalog(sortedKeys, idAt, keyOf, lengthOf, digestOf, support), null);
    }
    int n = keyOf.length - gone;
    int[] remap = new int[keyOf.length];
    long[] keys = new long[n];
    int[] lengths = new int[n];
    String[] digests = new String[n];
    int[] s = new int[n];
    int next = 0;
    for (int id = 0; id < keyOf.length; id++) {
      if (support[id] > 0) {
        remap[id] = next;
        keys[next] = keyOf[id];
        lengths[next] = lengthOf[id];
        digests[next] = digestOf[id];
        s[next] = support[id];
        next++;
      } else {
        remap[id] = -1;
      }
    }
    long[] sorted = new long[n];
    int[] at = new int[n];
    int o = 0;
    for (int i = 0; i < sortedKeys.length; i++) {
      int id = remap[idAt[i]];
      if (id >= 0) {
        sorted[o] = sortedKeys[i];
        at[o] = id;
        o++;
      }
    }
    return new Removed(new ChunkCatalog(sorted, at, keys, lengths, digests, s), remap);
  }

  private static InconsistentTraceException conflict(
      TraceProfile profile, long key, String theirs, String ours) {
    return new InconsistentTraceException(
        "trace "
            + profile.traceId()
            + " gives "
            + ChunkKeys.describe(key)
            + " "
            + theirs
            + " but earlier traces of "
            + profile.manifestDigest()
            + " say "
            + ours);
  }

  /** Number of distinct chunks. */
  public int size() {
    return sortedKeys.length;
  }

  /** Position of {@code key} in key order, or a negative value when no trace read that chunk. */
  public int indexOf(long key) {
    return Arrays.binarySearch(sortedKeys, key);
  }

  public long key(int i) {
    return sortedKeys[i];
  }

  public int compressedLength(int i) {
    return lengthOf[idAt[i]];
  }

  /** The chunk's digest, or an empty string when no trace knew it. */
  public String chunkDigest(int i) {
    String digest = digestOf[idAt[i]];
    return digest == null ? "" : digest;
  }

  /** How many traces read the chunk at position {@code i}. */
  public int support(int i) {
    return supportOf[idAt[i]];
  }

  /**
   * Heap bytes the catalog holds, roughly (its arrays and digest strings), so that a cache of
   * ranking states can be bounded in bytes rather than in images of very different sizes.
   */
  long approximateBytes() {
    long bytes = 6 * 16L + keyOf.length * (8L + 4 + 8 + 4 + 4 + 4);
    for (String digest : digestOf) {
      if (digest != null) {
        bytes += 40L + digest.length();
      }
    }
    return bytes;
  }

  /** Number of ids in use (equal to {@link #size()}). */
  int idCount() {
    return keyOf.length;
  }

  long keyOfId(int id) {
    return keyOf[id];
  }

  int lengthOfId(int id) {
    return lengthOf[id];
  }

  /** Digest by id, or null when unknown. */
  String digestOfId(int id) {
    return digestOf[id];
  }

  long[] sortedKeysArray() {
    return sortedKeys;
  }

  int[] idAtArray() {
    return idAt;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ChunkCatalog c) || !Arrays.equals(sortedKeys, c.sortedKeys)) {
      return false;
    }
    for (int i = 0; i < sortedKeys.length; i++) {
      int a = idAt[i];
      int b = c.idAt[i];
      if (lengthOf[a] != c.lengthOf[b]
          || supportOf[a] != c.supportOf[b]
          || !java.util.Objects.equals(digestOf[a], c.digestOf[b])) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(sortedKeys);
  }

  @Override
  public String toString() {
    return "ChunkCatalog[" + sortedKeys.length + " chunks]";
  }
}
