package dev.tracefetch.layer.tar;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** Field layout and number/string codecs of the ustar header block, shared by reader and writer. */
final class TarFields {
  private TarFields() {}

  static final int BLOCK = 512;

  static final int NAME = 0;
  static final int NAME_LEN = 100;
  static final int MODE = 100;
  static final int UID = 108;
  static final int GID = 116;
  static final int ID_LEN = 8;
  static final int SIZE = 124;
  static final int MTIME = 136;
  static final int NUM12_LEN = 12;
  static final int CHKSUM = 148;
  static final int CHKSUM_LEN = 8;
  static final int TYPEFLAG = 156;
  static final int LINKNAME = 157;
  static final int MAGIC = 257;
  static final int VERSION = 263;
  static final int UNAME = 265;
  static final int GNAME = 297;
  static final int OWNER_LEN = 32;
  static final int DEVMAJOR = 329;
  static final int DEVMINOR = 337;
  static final int PREFIX = 345;
  static final int PREFIX_LEN = 155;

  static final byte TYPE_PAX = 'x';
  static final byte TYPE_PAX_GLOBAL = 'g';
  static final byte TYPE_GNU_LONGNAME = 'L';
  static final byte TYPE_GNU_LONGLINK = 'K';

  static final String XATTR_PREFIX = "SCHILY.xattr.";

  /** Largest value of an octal field of {@code len} bytes (len-1 digits and a terminator). */
  static long maxOctal(int len) {
    return (1L << (3 * (len - 1))) - 1;
  }

  static void putOctal(byte[] block, int off, int len, long value) {
    String digits = Long.toOctalString(value);
    int width = len - 1;
    if (value < 0 || digits.length() > width) {
      throw new IllegalArgumentException("value " + value + " does not fit an octal field");
    }
    for (int i = 0; i < width - digits.length(); i++) {
      block[off + i] = '0';
    }
    for (int i = 0; i < digits.length(); i++) {
      block[off + width - digits.length() + i] = (byte) digits.charAt(i);
    }
    block[off + width] = 0;
  }

  /** GNU base-256: high bit of the first byte set, big-endian two's complement in the rest. */
  static void putBase256(byte[] block, int off, int len, long value) {
    for (int i = len - 1; i >= 1; i--) {
      block[off + i] = (byte) value;
      value >>= 8;
    }
    block[off] = (byte) (value < 0 ? 0xff : 0x80);
  }

  /** Octal when it fits, base-256 otherwise (readers that know PAX also get a PAX record). */
  static void putNumber(byte[] block, int off, int len, long value) {
    if (value >= 0 && value <= maxOctal(len)) {
      putOctal(block, off, len, value);
    } else {
      putBase256(block, off, len, value);
    }
  }

  static long parseNumber(byte[] block, int off, int len, String field, long at)
      throws TarFormatException {
    if ((block[off] & 0x80) != 0) {
      int inv = (block[off] & 0x40) != 0 ? 0xff : 0;
      long x = 0;
      for (int i = 0; i < len; i++) {
        int c = (block[off + i] & 0xff) ^ inv;
        if (i == 0) {
          c &= 0x7f;
        }
        if ((x >>> 56) != 0) {
          throw new TarFormatException(
              "base-256 " + field + " field overflows 64 bits in header at offset " + at);
        }
        x = (x << 8) | c;
      }
      if (x < 0) {
        throw new TarFormatException(
            "base-256 " + field + " field overflows 64 bits in header at offset " + at);
      }
      return inv == 0xff ? ~x : x;
    }
    int start = off;
    int end = off + len;
    while (start < end && (block[start] == ' ' || block[start] == 0)) {
      start++;
    }
    while (end > start && (block[end - 1] == ' ' || block[end - 1] == 0)) {
      end--;
    }
    long v = 0;
    for (int i = start; i < end; i++) {
      int c = block[i];
      if (c < '0' || c > '7') {
        throw new TarFormatException(
            "invalid octal digit in "
                + field
                + " field ("
                + printable(block, off, len)
                + ") of header at offset "
                + at);
      }
      if ((v >>> 60) != 0) {
        throw new TarFormatException(
            "octal " + field + " field overflows 64 bits in header at offset " + at);
      }
      v = (v << 3) | (c - '0');
    }
    return v;
  }

  /** Bytes of a NUL-terminated (or full-width) field. */
  static byte[] cString(byte[] block, int off, int len) {
    int end = off;
    while (end < off + len && block[end] != 0) {
      end++;
    }
    byte[] out = new byte[end - off];
    System.arraycopy(block, off, out, 0, out.length);
    return out;
  }

  /** Strict UTF-8 decoding: layer paths must survive a round trip byte for byte. */
  static String utf8(byte[] bytes, String what, long at) throws TarFormatException {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new TarFormatException(
          what
              + " is not valid UTF-8 ("
              + printable(bytes, 0, bytes.length)
              + ") in header at offset "
              + at
              + "; only UTF-8 names are supported",
          e);
    }
  }

  static boolean isAscii(byte[] bytes) {
    for (byte b : bytes) {
      if (b < 0x20 || b >= 0x7f) {
        return false;
      }
    }
    return true;
  }

  /** Checksum over the block with the checksum field counted as spaces (unsigned bytes). */
  static long unsignedChecksum(byte[] block) {
    long sum = 0;
    for (int i = 0; i < BLOCK; i++) {
      sum += (i >= CHKSUM && i < CHKSUM + CHKSUM_LEN) ? ' ' : (block[i] & 0xff);
    }
    return sum;
  }

  /** The same with signed bytes, as some historic tar implementations computed it. */
  static long signedChecksum(byte[] block) {
    long sum = 0;
    for (int i = 0; i < BLOCK; i++) {
      sum += (i >= CHKSUM && i < CHKSUM + CHKSUM_LEN) ? ' ' : block[i];
    }
    return sum;
  }

  static boolean isZero(byte[] block) {
    for (byte b : block) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  /** PAX {@code mtime} value: decimal seconds with an optional fraction, possibly negative. */
  static Instant parsePaxTime(String value, long at) throws TarFormatException {
    if (value.isEmpty() || value.length() > 40 || !value.matches("-?[0-9]+(\\.[0-9]*)?")) {
      throw new TarFormatException(
          "invalid PAX time '" + value + "' in extended header at offset " + at);
    }
    BigDecimal d = new BigDecimal(value.endsWith(".") ? value + "0" : value);
    BigDecimal seconds = d.setScale(0, RoundingMode.FLOOR);
    long nanos = d.subtract(seconds).movePointRight(9).setScale(0, RoundingMode.DOWN).longValue();
    try {
      return Instant.ofEpochSecond(seconds.longValueExact(), nanos);
    } catch (ArithmeticException | java.time.DateTimeException e) {
      throw new TarFormatException(
          "PAX time '" + value + "' out of range in extended header at offset " + at, e);
    }
  }

  static String formatPaxTime(Instant t) {
    BigDecimal d = BigDecimal.valueOf(t.getEpochSecond()).add(BigDecimal.valueOf(t.getNano(), 9));
    d = d.stripTrailingZeros();
    return d.scale() < 0 ? d.setScale(0).toPlainString() : d.toPlainString();
  }

  static String printable(byte[] b, int off, int len) {
    StringBuilder sb = new StringBuilder();
    for (int i = off; i < off + len && sb.length() < 120; i++) {
      int c = b[i] & 0xff;
      if (c >= 0x20 && c < 0x7f && c != '\\') {
        sb.append((char) c);
      } else {
        sb.append(String.format("\\x%02x", c));
      }
    }
    return sb.toString();
  }
}
