package dev.tracefetch.planner;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The stored form of a {@link TraceProfile}: what the trace store keeps next to each trace so that
 * a restart or a cache miss rebuilds a {@link RankingState} without decoding a single trace.
 *
 * <p>Layout (version 1): magic {@code TFPR}, version byte, then varint-encoded fields: trace id,
 * app, manifest digest, layer digests, facts, chunk count, chunk keys as deltas (sorted keys make
 * small deltas), first-access times, compressed lengths, and chunk digests ({@code sha256:} digests
 * as 32 raw bytes). A 20,000-chunk profile takes about 40 bytes per chunk with digests, 6 without.
 * A store that keeps an image's digests in a {@link ChunkDigestTable} writes tag 0 (no digest here)
 * for every chunk whose digest the table holds, and decodes with the table. Decoding validates
 * everything again and never allocates more than the input can describe.
 */
public final class TraceProfileCodec {
  private static final byte[] MAGIC = {'T', 'F', 'P', 'R'};
  private static final int VERSION = 1;
  private static final String SHA256 = "sha256:";

  private TraceProfileCodec() {}

  public static byte[] encode(TraceProfile profile) {
    int m = profile.chunkCount();
    Writer w =
        header(
            profile.traceId(),
            profile.app(),
            profile.manifestDigest(),
            profile.layerDigests(),
            profile.facts(),
            m,
            // Chunk arrays, the digest flag and a tag and 32 bytes per digest; digests kept
            // verbatim go through the growing writes.
            CHUNK_ARRAYS_MAX * (long) m + 1 + (profile.hasChunkDigests() ? 33L * m : 0));
    int pos =
        chunkArrays(w, profile.keysArray(), profile.firstAccessArray(), profile.lengthsArray(), m);
    byte[] buf = w.buf;
    buf[pos++] = (byte) (profile.hasChunkDigests() ? 1 : 0);
    w.size = pos;
    if (profile.hasChunkDigests()) {
      for (int i = 0; i < m; i++) {
        String digest = profile.chunkDigest(i);
        if (digest.isEmpty()) {
          buf[w.size++] = 0;
        } else if (isSha256(digest)) {
          buf[w.size++] = 1;
          putSha256(digest, buf, w.size);
          w.size += 32;
        } else {
          w.u8(2);
          w.string(digest);
          buf = w.buf;
        }
      }
    }
    return w.toByteArray();
  }

  /**
   * Encodes a profile given as its parts, with the chunk digests as UTF-8 slices of {@code
   * digestBytes} ({@code digestOffsets[i] < 0}: unknown); what {@link ProfileExtractor} writes. The
   * bytes equal those {@link #encode} writes for the same profile with digests attached. A chunk
   * with {@code rawIndexes[i] >= 0} (when given) has a lower-case {@code sha256:<hex>} digest whose
   * 32 bytes a parser already decoded at {@code rawDigests[32 * rawIndexes[i]]}.
   */
  static byte[] encodeRaw(
      String traceId,
      String app,
      String manifestDigest,
      List<String> layerDigests,
      TraceFacts facts,
      long[] keys,
      int[] firstAccess,
      int[] lengths,
      byte[] digestBytes,
      int[] digestOffsets,
      int[] digestLengths,
      byte[] rawDigests,
      int[] rawIndexes) {
    int m = keys.length;
    // One buffer for the worst case (ten-byte key deltas, five-byte times and lengths, digests as
    // 33 bytes or verbatim), so neither the chunk arrays nor the digests ever grow it.
    long digestBytesMax = 0;
    for (int i = 0; i < m; i++) {
      int len = digestOffsets[i] < 0 ? 0 : digestLengths[i];
      digestBytesMax += len == 0 ? 1 : Math.max(33, 1 + 5 + len);
    }
    Writer w =
        header(
            traceId,
            app,
            manifestDigest,
            layerDigests,
            facts,
            m,
            CHUNK_ARRAYS_MAX * (long) m + 1 + digestBytesMax);
    int pos = chunkArrays(w, keys, firstAccess, lengths, m);
    w.buf[pos++] = 1;
    w.size = pos;
    for (int i = 0; i < m; i++) {
      int off = digestOffsets[i];
      int len = digestLengths[i];
      int raw = rawIndexes == null ? -1 : rawIndexes[i];
      if (raw >= 0) {
        w.buf[w.size] = 1;
        System.arraycopy(rawDigests, raw * 32, w.buf, w.size + 1, 32);
        w.size += 33;
      } else if (off < 0 || len == 0) {
        w.u8(0);
      } else if (putSha256IfHex(digestBytes, off, len, w)) {
        continue;
      } else {
        w.u8(2);
        w.varint(len);
        w.ensure(len);
        System.arraycopy(digestBytes, off, w.buf, w.size, len);
        w.size += len;
      }
    }
    return w.toByteArray();
  }

  /** A writer holding the header, with room for {@code chunkBytes} more without growing. */
  private static Writer header(
      String traceId,
      String app,
      String manifestDigest,
      List<String> layerDigests,
      TraceFacts f,
      int m,
      long chunkBytes) {
    long strings = 0;
    for (String layer : layerDigests) {
      strings += 5 + 3L * layer.length();
    }
    for (String s : new String[] {traceId, app, manifestDigest, f.readinessKind()}) {
      strings += 5 + 3L * s.length();
    }
    long capacity = 4 + 1 + 5 + strings + 1 + 4 * 10 + 5 + chunkBytes;
    Writer w = new Writer((int) Math.min(Integer.MAX_VALUE - 16, capacity));
    w.bytes(MAGIC);
    w.u8(VERSION);
    w.string(traceId);
    w.string(app);
    w.string(manifestDigest);
    w.varint(layerDigests.size());
    for (String layer : layerDigests) {
      w.string(layer);
    }
    w.string(f.readinessKind());
    w.u8((f.readinessReached() ? 1 : 0) | (f.incomplete() ? 2 : 0));
    w.varint(f.timeToReadyMicros());
    w.varint(f.droppedEvents());
    w.varint(f.recordedUnixMicros());
    w.varint(f.eventCount());
    w.varint(m);
    return w;
  }

  /** Writes keys (as deltas), times and lengths; returns the position after them. */
  private static int chunkArrays(Writer w, long[] keys, int[] firstAccess, int[] lengths, int m) {
    // Hot loops write straight into the buffer, sized once for the worst case.
    w.ensure(CHUNK_ARRAYS_MAX * m + 1);
    byte[] buf = w.buf;
    int pos = w.size;
    long previous = 0;
    for (int i = 0; i < m; i++) {
      long key = keys[i];
      pos = putVarint(buf, pos, key - previous);
      previous = key;
    }
    for (int i = 0; i < m; i++) {
      pos = putVarint(buf, pos, firstAccess[i]);
    }
    for (int i = 0; i < m; i++) {
      pos = putVarint(buf, pos, lengths[i]);
    }
    return pos;
  }

  /**
   * Decodes bytes written by {@link #encode}.
   *
   * @throws ProfileFormatException naming what is wrong (magic, version, truncation, an invalid
   *     profile)
   */
  public static TraceProfile decode(byte[] bytes) throws ProfileFormatException {
    return decode(bytes, ChunkCatalog.EMPTY);
  }

  /**
   * Decodes bytes written by {@link #encode}, taking the digest of every chunk that {@code known}
   * already has a digest for from {@code known} instead of decoding it. Rebuilding a state after a
   * restart ({@code state = state.plus(decode(bytes, state.catalog()))}) then creates one digest
   * string per distinct chunk instead of one per trace and chunk, which is most of the decoding
   * work. A stored digest that differs from the known one is not noticed here; {@link
   * RankingState#plus} checked it when the trace was first added.
   *
   * @throws ProfileFormatException naming what is wrong (magic, version, truncation, an invalid
   *     profile)
   */
  public static TraceProfile decode(byte[] bytes, ChunkCatalog known)
      throws ProfileFormatException {
    return decode(bytes, known, null);
  }

  /**
   * As {@link #decode(byte[], ChunkCatalog)}, for a profile written against the image's digest
   * table ({@link ProfileExtractor#encode(String, String, List, TraceFacts, ChunkDigestTable)}): a
   * chunk whose digest the profile leaves out gets the one {@code known} or else {@code image}
   * holds.
   *
   * @param image the image's digest table, or null when the profile carries its own digests
   */
  public static TraceProfile decode(byte[] bytes, ChunkCatalog known, ChunkDigestTable image)
      throws ProfileFormatException {
    Reader r = new Reader(bytes);
    for (byte b : MAGIC) {
      if (r.u8() != (b & 0xff)) {
        throw new ProfileFormatException("not a trace profile: wrong magic");
      }
    }
    int version = r.u8();
    if (version != VERSION) {
      throw new ProfileFormatException(
          "trace profile version " + version + " is not supported (expected " + VERSION + ")");
    }
    String traceId = r.string();
    String app = r.string();
    String manifest = r.string();
    int layerCount = r.count(1);
    List<String> layers = new ArrayList<>(layerCount);
    for (int i = 0; i < layerCount; i++) {
      layers.add(r.string());
    }
    String kind = r.string();
    int flags = r.u8();
    long timeToReady = r.varint();
    long dropped = r.varint();
    long recorded = r.varint();
    long events = r.varint();
    int m = r.count(3);
    long[] keys = readKeys(r, m);
    int[] times = readInts(r, m, "first-access time");
    int[] lengths = readInts(r, m, "compressed length");
    String[] digests = r.u8() == 1 ? readDigests(r, keys, known, image) : null;
    if (r.remaining() != 0) {
      throw new ProfileFormatException(r.remaining() + " trailing bytes after the trace profile");
    }
    try {
      TraceFacts facts =
          new TraceFacts(
              kind, (flags & 1) != 0, timeToReady, dropped, (flags & 2) != 0, recorded, events);
      return TraceProfile.create(
          traceId, app, manifest, layers, facts, keys, times, lengths, digests);
    } catch (InvalidTraceException | IllegalArgumentException e) {
      throw new ProfileFormatException("invalid trace profile: " + e.getMessage(), e);
    }
  }

  // The loops of decode live in small methods of their own: as one large method, decode took the
  // JIT compiler most of a second per C2 compilation, and it was compiled again and again.

  private static long[] readKeys(Reader r, int m) throws ProfileFormatException {
    long[] keys = new long[m];
    long key = 0;
    for (int i = 0; i < m; i++) {
      key += r.varint();
      keys[i] = key;
    }
    return keys;
  }

  private static int[] readInts(Reader r, int m, String what) throws ProfileFormatException {
    int[] values = new int[m];
    for (int i = 0; i < m; i++) {
      values[i] = r.int31(what);
    }
    return values;
  }

  private static String[] readDigests(
      Reader r, long[] keys, ChunkCatalog known, ChunkDigestTable image)
      throws ProfileFormatException {
    int m = keys.length;
    String[] digests = new String[m];
    long[] knownKeys = known.sortedKeysArray();
    int[] knownIds = known.idAtArray();
    int c = 0;
    for (int i = 0; i < m; i++) {
      c = ChunkKeys.gallop(knownKeys, c, knownKeys.length, keys[i]);
      String reuse =
          c < knownKeys.length && knownKeys[c] == keys[i] ? known.digestOfId(knownIds[c]) : null;
      digests[i] = readDigest(r, keys[i], reuse, image);
    }
    return digests;
  }

  private static String readDigest(Reader r, long key, String reuse, ChunkDigestTable image)
      throws ProfileFormatException {
    int tag = r.u8();
    return switch (tag) {
      case 0 -> image == null ? null : reuse != null ? reuse : image.digest(key);
      case 1 -> reuse != null ? r.skipThen(32, reuse) : sha256String(r.bytes(32));
      case 2 -> reuse != null ? r.skipString(reuse) : r.string();
      default -> throw new ProfileFormatException("unknown chunk digest tag " + tag);
    };
  }

  /** Most bytes one chunk's key delta, first-access time and length take. */
  private static final int CHUNK_ARRAYS_MAX = 10 + 5 + 5;

  private static int putVarint(byte[] buf, int pos, long value) {
    long v = value;
    while ((v & ~0x7fL) != 0) {
      buf[pos++] = (byte) ((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    buf[pos++] = (byte) v;
    return pos;
  }

  /** Whether {@code digest} is a lower-case {@code sha256:<64 hex>} digest (stored as 32 bytes). */
  private static boolean isSha256(String digest) {
    int p = SHA256.length();
    if (digest.length() != p + 64 || !digest.startsWith(SHA256)) {
      return false;
    }
    int bad = 0;
    for (int i = p; i < p + 64; i++) {
      bad |= nibble(digest.charAt(i));
    }
    return bad >= 0; // anything unusual (upper case) is kept verbatim
  }

  /**
   * Writes tag 1 and the 32 raw bytes when the UTF-8 slice is a lower-case {@code sha256:<64 hex>}
   * digest, checking and converting in one pass; otherwise writes nothing and returns false.
   */
  private static boolean putSha256IfHex(byte[] bytes, int off, int len, Writer w) {
    w.ensure(33);
    if (!sha256Raw(bytes, off, len, w.buf, w.size + 1)) {
      return false; // anything unusual (upper case) is kept verbatim
    }
    w.buf[w.size] = 1;
    w.size += 33;
    return true;
  }

  /**
   * Decodes the UTF-8 slice into 32 bytes at {@code out[outOffset]} when it is a lower-case {@code
   * sha256:<64 hex>} digest, the form stored as raw bytes; returns false (with {@code out} partly
   * written) otherwise.
   */
  static boolean sha256Raw(byte[] bytes, int off, int len, byte[] out, int outOffset) {
    int p = SHA256.length();
    if (len != p + 64) {
      return false;
    }
    for (int i = 0; i < p; i++) {
      if (bytes[off + i] != SHA256_BYTES[i]) {
        return false;
      }
    }
    int in = off + p;
    int bad = 0;
    for (int i = 0; i < 32; i++) {
      int hi = HEX_VALUES[bytes[in + 2 * i] & 0xff];
      int lo = HEX_VALUES[bytes[in + 2 * i + 1] & 0xff];
      bad |= hi | lo;
      out[outOffset + i] = (byte) (hi << 4 | lo);
    }
    return bad >= 0;
  }

  private static final byte[] SHA256_BYTES = SHA256.getBytes(StandardCharsets.US_ASCII);

  /** Value of each byte as a lower-case hex digit, -1 for anything else. */
  private static final byte[] HEX_VALUES = new byte[256];

  static {
    Arrays.fill(HEX_VALUES, (byte) -1);
    for (int i = 0; i < 16; i++) {
      HEX_VALUES["0123456789abcdef".charAt(i)] = (byte) i;
    }
  }

  private static void putSha256(String digest, byte[] buf, int pos) {
    int p = SHA256.length();
    for (int i = 0; i < 32; i++) {
      int hi = nibble(digest.charAt(p + 2 * i));
      int lo = nibble(digest.charAt(p + 2 * i + 1));
      buf[pos + i] = (byte) (hi << 4 | lo);
    }
  }

  /** Value of a lower-case hex digit, -1 for anything else (a table: hex digits branch badly). */
  private static final byte[] NIBBLES = new byte[128];

  static {
    Arrays.fill(NIBBLES, (byte) -1);
    for (int i = 0; i < 16; i++) {
      NIBBLES["0123456789abcdef".charAt(i)] = (byte) i;
    }
  }

  private static int nibble(char ch) {
    return ch < 128 ? NIBBLES[ch] : -1;
  }

  private static final byte[] HEX_DIGITS = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  static String sha256String(byte[] raw) {
    byte[] text = new byte[SHA256.length() + 64];
    for (int i = 0; i < SHA256.length(); i++) {
      text[i] = (byte) SHA256.charAt(i);
    }
    int p = SHA256.length();
    for (byte b : raw) {
      text[p++] = HEX_DIGITS[(b >> 4) & 0xf];
      text[p++] = HEX_DIGITS[b & 0xf];
    }
    return new String(text, StandardCharsets.US_ASCII);
  }

  private static final class Writer {
    byte[] buf;
    int size;

    Writer(int capacity) {
      buf = new byte[Math.max(16, capacity)];
    }

    void ensure(int more) {
      if (size + more > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
      }
    }

    void u8(int value) {
      ensure(1);
      buf[size++] = (byte) value;
    }

    void bytes(byte[] bytes) {
      ensure(bytes.length);
      System.arraycopy(bytes, 0, buf, size, bytes.length);
      size += bytes.length;
    }

    void varint(long value) {
      ensure(10);
      long v = value;
      while ((v & ~0x7fL) != 0) {
        buf[size++] = (byte) ((v & 0x7f) | 0x80);
        v >>>= 7;
      }
      buf[size++] = (byte) v;
    }

    void string(String s) {
      byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
      varint(utf8.length);
      bytes(utf8);
    }

    byte[] toByteArray() {
      return Arrays.copyOf(buf, size);
    }
  }

  private static final class Reader {
    private final byte[] buf;
    private int pos;

    Reader(byte[] buf) {
      this.buf = buf;
    }

    int remaining() {
      return buf.length - pos;
    }

    int u8() throws ProfileFormatException {
      if (pos >= buf.length) {
        throw truncated();
      }
      return buf[pos++] & 0xff;
    }

    byte[] bytes(int n) throws ProfileFormatException {
      if (n > remaining()) {
        throw truncated();
      }
      byte[] out = Arrays.copyOfRange(buf, pos, pos + n);
      pos += n;
      return out;
    }

    long varint() throws ProfileFormatException {
      long value = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        int b = u8();
        value |= (long) (b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
          return value;
        }
      }
      throw new ProfileFormatException("malformed varint at byte " + pos);
    }

    int int31(String what) throws ProfileFormatException {
      long v = varint();
      if (v < 0 || v > Integer.MAX_VALUE) {
        throw new ProfileFormatException(what + " " + v + " out of range at byte " + pos);
      }
      return (int) v;
    }

    /** A count of items of at least {@code minBytes} each, bounded by the bytes left. */
    int count(int minBytes) throws ProfileFormatException {
      long n = varint();
      if (n < 0 || n > remaining() / minBytes) {
        throw new ProfileFormatException(
            "count " + n + " at byte " + pos + " exceeds what the remaining bytes can hold");
      }
      return (int) n;
    }

    /** Skips {@code n} bytes and returns {@code value}. */
    String skipThen(int n, String value) throws ProfileFormatException {
      if (n > remaining()) {
        throw truncated();
      }
      pos += n;
      return value;
    }

    /** Skips a length-prefixed string and returns {@code value}. */
    String skipString(String value) throws ProfileFormatException {
      long n = varint();
      if (n < 0 || n > remaining()) {
        throw truncated();
      }
      pos += (int) n;
      return value;
    }

    String string() throws ProfileFormatException {
      long n = varint();
      if (n < 0 || n > remaining()) {
        throw truncated();
      }
      String s = new String(buf, pos, (int) n, StandardCharsets.UTF_8);
      pos += (int) n;
      return s;
    }

    private ProfileFormatException truncated() {
      return new ProfileFormatException("trace profile truncated at byte " + pos);
    }
  }
}
