package dev.tracefetch.store.ranking;

import java.util.Arrays;

/**
 * The union of the chunks read by the traces of one image, with each chunk's compressed length,
 * digest (when any trace knew it) and support (how many traces read it).
 *
 * <p>Why it exists: lengths and digests are properties of the image, not of a trace, so they are
 * kept once here instead of in every cached profile, and the sorted key array is the index every
 * ranking pass walks through. It is immutable; {@link #plus} and {@link #minus} return new catalogs
 * and share the key, length and digest arrays when a trace brings no new chunk (the usual case for
 * a healthy app).
 */
public final class ChunkCatalog {
  static final ChunkCatalog EMPTY =
      new ChunkCatalog(new long[0], new int[0], new String[0], new int[0]);

  private final long[] keys;
  private final int[] lengths;
  private final String[] digests;
  private final int[] support;

  private ChunkCatalog(long[] keys, int[] lengths, String[] digests, int[] support) {
    this.keys = keys;
    this.lengths = lengths;
    this.digests = digests;
    this.support = support;
  }

  /** Adds one trace's chunks; {@code profile} must carry its digests if it has any. */
  ChunkCatalog plus(TraceProfile profile) throws InconsistentTraceException {
    long[] pk = profile.keysArray();
    int[] pl = profile.lengthsArray();
    String[] pd = profile.digestsArray();
    int added = 0;
    boolean newDigest = false;
    int c = 0;
    for (int i = 0; i < pk.length; i++) {
      c = ChunkKeys.gallop(keys, c, keys.length, pk[i]);
      if (c < keys.length && keys[c] == pk[i]) {
        if (lengths[c] != pl[i]) {
          throw conflict(profile, pk[i], "compressed length " + pl[i], "" + lengths[c]);
        }
        if (pd != null && pd[i] != null) {
          if (digests[c] == null) {
            newDigest = true;
          } else if (!digests[c].equals(pd[i])) {
            throw conflict(profile, pk[i], "chunk digest " + pd[i], digests[c]);
          }
        }
      } else {
        added++;
      }
    }
    if (added == 0) {
      int[] newSupport = support.clone();
      String[] newDigests = newDigest ? digests.clone() : digests;
      c = 0;
      for (int i = 0; i < pk.length; i++) {
        c = ChunkKeys.gallop(keys, c, keys.length, pk[i]);
        newSupport[c]++;
        if (newDigest && pd[i] != null) {
          newDigests[c] = pd[i];
        }
      }
      return new ChunkCatalog(keys, lengths, newDigests, newSupport);
    }
    int n = keys.length + added;
    long[] k = new long[n];
    int[] l = new int[n];
    String[] d = new String[n];
    int[] s = new int[n];
    int a = 0;
    int b = 0;
    for (int o = 0; o < n; o++) {
      if (b >= pk.length || (a < keys.length && keys[a] < pk[b])) {
        k[o] = keys[a];
        l[o] = lengths[a];
        d[o] = digests[a];
        s[o] = support[a];
        a++;
      } else if (a >= keys.length || pk[b] < keys[a]) {
        k[o] = pk[b];
        l[o] = pl[b];
        d[o] = pd == null ? null : pd[b];
        s[o] = 1;
        b++;
      } else {
        k[o] = keys[a];
        l[o] = lengths[a];
        d[o] = digests[a] != null ? digests[a] : (pd == null ? null : pd[b]);
        s[o] = support[a] + 1;
        a++;
        b++;
      }
    }
    return new ChunkCatalog(k, l, d, s);
  }

  /** Removes one trace's chunks (it must have been added); chunks no trace reads any more go. */
  ChunkCatalog minus(TraceProfile profile) {
    long[] pk = profile.keysArray();
    int[] s = support.clone();
    int gone = 0;
    int c = 0;
    for (long key : pk) {
      c = ChunkKeys.gallop(keys, c, keys.length, key);
      if (c >= keys.length || keys[c] != key || s[c] == 0) {
        throw new IllegalStateException(
            "trace " + profile.traceId() + " was not in the catalog: " + ChunkKeys.describe(key));
      }
      if (--s[c] == 0) {
        gone++;
      }
    }
    if (gone == 0) {
      return new ChunkCatalog(keys, lengths, digests, s);
    }
    int n = keys.length - gone;
    long[] k = new long[n];
    int[] l = new int[n];
    String[] d = new String[n];
    int[] s2 = new int[n];
    int o = 0;
    for (int i = 0; i < keys.length; i++) {
      if (s[i] > 0) {
        k[o] = keys[i];
        l[o] = lengths[i];
        d[o] = digests[i];
        s2[o] = s[i];
        o++;
      }
    }
    return new ChunkCatalog(k, l, d, s2);
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
    return keys.length;
  }

  /** Index of {@code key}, or a negative value when no trace read that chunk. */
  public int indexOf(long key) {
    return Arrays.binarySearch(keys, key);
  }

  public long key(int i) {
    return keys[i];
  }

  public int compressedLength(int i) {
    return lengths[i];
  }

  /** The chunk's digest, or an empty string when no trace knew it. */
  public String chunkDigest(int i) {
    return digests[i] == null ? "" : digests[i];
  }

  /** How many traces read chunk {@code i}. */
  public int support(int i) {
    return support[i];
  }

  long[] keysArray() {
    return keys;
  }

  int[] lengthsArray() {
    return lengths;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ChunkCatalog c
        && Arrays.equals(keys, c.keys)
        && Arrays.equals(lengths, c.lengths)
        && Arrays.equals(digests, c.digests)
        && Arrays.equals(support, c.support);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(keys) * 31 + Arrays.hashCode(support);
  }

  @Override
  public String toString() {
    return "ChunkCatalog[" + keys.length + " chunks]";
  }
}
