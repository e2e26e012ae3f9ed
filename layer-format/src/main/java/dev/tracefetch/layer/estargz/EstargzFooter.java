package dev.tracefetch.layer.estargz;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The footer at the end of an eStargz blob: an empty gzip member whose gzip "extra" field carries
 * the blob offset of the TOC's gzip member, so a reader finds the TOC with one ranged GET of the
 * blob's tail. Java's {@code GZIPOutputStream} cannot write an extra field, hence the bytes are
 * built by hand here.
 *
 * <p>Layout (docs/estargz.md "Footer" and {@code footerBytes} in estargz.go; 51 bytes): gzip header
 * {@code 1f 8b 08 04}, MTIME 0, XFL 0, OS 0xff (Go's default), XLEN 26 (LE), subfield id {@code 'S'
 * 'G'}, subfield length 22 (LE), {@code "%016xSTARGZ"} of the TOC offset, an empty final stored
 * deflate block {@code 01 00 00 ff ff}, CRC32 0 and ISIZE 0. The legacy stargz footer (47 bytes)
 * has XLEN 22 and the 22 bytes without subfield id and length.
 *
 * @param tocOffset blob offset of the gzip member holding the TOC tar entry
 * @param legacy whether the blob uses the 47-byte stargz footer
 */
public record EstargzFooter(long tocOffset, boolean legacy) {
  /** Size of the eStargz footer. */
  public static final int SIZE = 51;

  /** Size of the legacy stargz footer. */
  public static final int LEGACY_SIZE = 47;

  private static final byte[] MAGIC = "STARGZ".getBytes(StandardCharsets.US_ASCII);

  public EstargzFooter {
    if (tocOffset < 0) {
      throw new IllegalArgumentException("TOC offset must be >= 0, got " + tocOffset);
    }
  }

  /** Bytes this footer occupies at the end of the blob. */
  public int size() {
    return legacy ? LEGACY_SIZE : SIZE;
  }

  /** The 51 footer bytes pointing at a TOC member starting at {@code tocOffset}. */
  public static byte[] encode(long tocOffset) {
    if (tocOffset < 0) {
      throw new IllegalArgumentException("TOC offset must be >= 0, got " + tocOffset);
    }
    byte[] f = new byte[SIZE];
    f[0] = 0x1f;
    f[1] = (byte) 0x8b;
    f[2] = 8; // CM = deflate
    f[3] = 4; // FLG = FEXTRA
    // f[4..8) MTIME = 0, f[8] XFL = 0
    f[9] = (byte) 0xff; // OS = unknown
    f[10] = 26; // XLEN, little-endian
    f[11] = 0;
    f[12] = 'S';
    f[13] = 'G';
    f[14] = 22; // subfield LEN, little-endian
    f[15] = 0;
    byte[] payload =
        (String.format("%016x", tocOffset) + "STARGZ").getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(payload, 0, f, 16, 22);
    f[38] = 1; // BFINAL=1, BTYPE=00 (stored)
    f[39] = 0; // LEN = 0
    f[40] = 0;
    f[41] = (byte) 0xff; // NLEN = ~0
    f[42] = (byte) 0xff;
    // f[43..47) CRC32 = 0, f[47..51) ISIZE = 0
    return f;
  }

  /**
   * Parses the footer at the end of {@code tail} (the last bytes of a blob, at least 47): the
   * eStargz footer first, then the legacy one, as stargz-snapshotter does.
   *
   * @throws InvalidEstargzException naming both reasons when neither footer is present
   */
  public static EstargzFooter parse(byte[] tail) throws InvalidEstargzException {
    String modern = tail.length >= SIZE ? parseModern(tail, tail.length - SIZE) : "too short";
    if (modern == null) {
      return new EstargzFooter(hex(tail, tail.length - SIZE + 16), false);
    }
    String old =
        tail.length >= LEGACY_SIZE ? parseLegacy(tail, tail.length - LEGACY_SIZE) : "too short";
    if (old == null) {
      return new EstargzFooter(hex(tail, tail.length - LEGACY_SIZE + 12), true);
    }
    throw new InvalidEstargzException(
        "no eStargz footer at the end of the blob (eStargz: "
            + modern
            + "; legacy stargz: "
            + old
            + ")");
  }

  /** Like {@link #parse} but empty instead of an exception; for detecting eStargz blobs. */
  public static Optional<EstargzFooter> find(byte[] tail) {
    try {
      return Optional.of(parse(tail));
    } catch (InvalidEstargzException e) {
      return Optional.empty();
    }
  }

  /** Null when valid, otherwise why not. */
  private static String parseModern(byte[] b, int at) {
    String header = gzipHeader(b, at);
    if (header != null) {
      return header;
    }
    if (u16(b, at + 10) != 26) {
      return "extra field length " + u16(b, at + 10) + ", want 26";
    }
    if (b[at + 12] != 'S' || b[at + 13] != 'G') {
      return "subfield id is not 'SG'";
    }
    if (u16(b, at + 14) != 22) {
      return "subfield length " + u16(b, at + 14) + ", want 22";
    }
    return payload(b, at + 16);
  }

  private static String parseLegacy(byte[] b, int at) {
    String header = gzipHeader(b, at);
    if (header != null) {
      return header;
    }
    if (u16(b, at + 10) != 22) {
      return "extra field length " + u16(b, at + 10) + ", want 22";
    }
    return payload(b, at + 12);
  }

  private static String gzipHeader(byte[] b, int at) {
    if ((b[at] & 0xff) != 0x1f || (b[at + 1] & 0xff) != 0x8b || b[at + 2] != 8) {
      return "not a gzip header";
    }
    if ((b[at + 3] & 0x04) == 0) {
      return "gzip header without extra field";
    }
    return null;
  }

  private static String payload(byte[] b, int at) {
    for (int i = 0; i < 6; i++) {
      if (b[at + 16 + i] != MAGIC[i]) {
        return "no STARGZ magic";
      }
    }
    for (int i = 0; i < 16; i++) {
      if (Character.digit(b[at + i], 16) < 0) {
        return "TOC offset is not 16 hex digits";
      }
    }
    if (Character.digit(b[at], 16) >= 8) {
      return "TOC offset does not fit 63 bits";
    }
    return null;
  }

  private static long hex(byte[] b, int at) {
    return Long.parseLong(new String(b, at, 16, StandardCharsets.US_ASCII), 16);
  }

  private static int u16(byte[] b, int at) {
    return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8;
  }
}
