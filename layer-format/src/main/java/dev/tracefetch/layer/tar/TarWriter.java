package dev.tracefetch.layer.tar;

import static dev.tracefetch.layer.tar.TarFields.BLOCK;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Writes tar entries from {@link TarHeader}s: plain ustar headers whenever the fields fit (ASCII
 * names up to 100 bytes, or 255 with the ustar prefix), otherwise a PAX extended header first, as
 * Go's {@code archive/tar} does; xattrs always go into {@code SCHILY.xattr.*} PAX records. Numbers
 * too large for octal fields are also written in GNU base-256 form so that readers ignoring PAX
 * still skip payloads correctly.
 *
 * <p>The writer never closes or buffers the underlying stream: the eStargz writer switches the gzip
 * member under it between a header and a payload, so every byte must reach {@code out} in order and
 * at once. Not thread-safe.
 */
public final class TarWriter {
  private static final byte[] ZERO_BLOCK = new byte[BLOCK];

  private final OutputStream out;
  private long written;
  private TarHeader current;
  private long remaining;

  public TarWriter(OutputStream out) {
    this.out = Objects.requireNonNull(out, "out");
  }

  /** Writes the header blocks of {@code header}; its payload must follow via {@link #write}. */
  public void writeHeader(TarHeader header) throws IOException {
    if (current != null) {
      throw new IllegalStateException(
          "entry '" + current.name() + "' not finished before '" + header.name() + "'");
    }
    byte[] blocks = encodeHeader(header);
    emit(blocks, 0, blocks.length);
    current = header;
    remaining = header.size();
  }

  /** Writes payload bytes of the current entry. */
  public void write(byte[] b, int off, int len) throws IOException {
    if (current == null) {
      throw new IllegalStateException("no tar entry open for payload");
    }
    if (len > remaining) {
      throw new IllegalStateException(
          "payload of '"
              + current.name()
              + "' exceeds its size "
              + current.size()
              + " by "
              + (len - remaining)
              + " bytes");
    }
    emit(b, off, len);
    remaining -= len;
  }

  /** Completes the current entry: checks its size and writes the block padding. */
  public void closeEntry() throws IOException {
    if (current == null) {
      return;
    }
    if (remaining != 0) {
      throw new IllegalStateException(
          "payload of '" + current.name() + "' is " + remaining + " bytes short of its size");
    }
    long pad = TarReader.padding(current.size());
    emit(ZERO_BLOCK, 0, (int) pad);
    current = null;
  }

  /** Writes the end-of-archive marker (two zero blocks). */
  public void finish() throws IOException {
    closeEntry();
    emit(ZERO_BLOCK, 0, BLOCK);
    emit(ZERO_BLOCK, 0, BLOCK);
  }

  /** Bytes written so far. */
  public long bytesWritten() {
    return written;
  }

  private void emit(byte[] b, int off, int len) throws IOException {
    if (len > 0) {
      out.write(b, off, len);
      written += len;
    }
  }

  /**
   * The header blocks for {@code h}: an optional PAX header (with its data) and the ustar block.
   */
  public static byte[] encodeHeader(TarHeader h) {
    TreeMap<String, byte[]> pax = new TreeMap<>(h.paxRecords().toMap());
    byte[] block = new byte[BLOCK];

    byte[] name = h.name().getBytes(StandardCharsets.UTF_8);
    if (TarFields.isAscii(name) && name.length <= TarFields.NAME_LEN) {
      System.arraycopy(name, 0, block, TarFields.NAME, name.length);
    } else {
      int split = TarFields.isAscii(name) ? prefixSplit(name) : -1;
      if (split > 0) {
        System.arraycopy(name, 0, block, TarFields.PREFIX, split);
        System.arraycopy(name, split + 1, block, TarFields.NAME, name.length - split - 1);
      } else {
        pax.put("path", name);
        putApproximation(block, TarFields.NAME, TarFields.NAME_LEN, name);
      }
    }
    putString(block, TarFields.LINKNAME, TarFields.NAME_LEN, h.linkName(), "linkpath", pax);
    putString(block, TarFields.UNAME, TarFields.OWNER_LEN, h.userName(), "uname", pax);
    putString(block, TarFields.GNAME, TarFields.OWNER_LEN, h.groupName(), "gname", pax);

    TarFields.putOctal(block, TarFields.MODE, TarFields.ID_LEN, h.mode());
    putNumber(block, TarFields.UID, TarFields.ID_LEN, h.uid(), "uid", pax);
    putNumber(block, TarFields.GID, TarFields.ID_LEN, h.gid(), "gid", pax);
    putNumber(block, TarFields.SIZE, TarFields.NUM12_LEN, h.size(), "size", pax);
    Instant t = h.modTime();
    long seconds = t.getEpochSecond();
    if (t.getNano() != 0 || seconds < 0 || seconds > TarFields.maxOctal(TarFields.NUM12_LEN)) {
      pax.put("mtime", TarFields.formatPaxTime(t).getBytes(StandardCharsets.US_ASCII));
    }
    TarFields.putNumber(block, TarFields.MTIME, TarFields.NUM12_LEN, seconds);
    if (h.type().isDevice()) {
      TarFields.putNumber(block, TarFields.DEVMAJOR, 8, h.devMajor());
      TarFields.putNumber(block, TarFields.DEVMINOR, 8, h.devMinor());
    } else {
      TarFields.putOctal(block, TarFields.DEVMAJOR, 8, 0);
      TarFields.putOctal(block, TarFields.DEVMINOR, 8, 0);
    }
    for (String attr : h.xattrs().names()) {
      pax.put(TarFields.XATTR_PREFIX + attr, h.xattrs().value(attr));
    }
    block[TarFields.TYPEFLAG] = h.type().typeflag();
    putMagic(block);
    putChecksum(block);

    if (pax.isEmpty()) {
      return block;
    }
    byte[] data = encodePax(pax);
    byte[] paxBlock = new byte[BLOCK];
    byte[] paxName = paxHeaderName(h.name());
    System.arraycopy(paxName, 0, paxBlock, TarFields.NAME, paxName.length);
    TarFields.putOctal(paxBlock, TarFields.MODE, TarFields.ID_LEN, 0644);
    TarFields.putOctal(paxBlock, TarFields.UID, TarFields.ID_LEN, 0);
    TarFields.putOctal(paxBlock, TarFields.GID, TarFields.ID_LEN, 0);
    TarFields.putOctal(paxBlock, TarFields.SIZE, TarFields.NUM12_LEN, data.length);
    TarFields.putOctal(paxBlock, TarFields.MTIME, TarFields.NUM12_LEN, 0);
    TarFields.putOctal(paxBlock, TarFields.DEVMAJOR, 8, 0);
    TarFields.putOctal(paxBlock, TarFields.DEVMINOR, 8, 0);
    paxBlock[TarFields.TYPEFLAG] = TarFields.TYPE_PAX;
    putMagic(paxBlock);
    putChecksum(paxBlock);

    int padded = data.length + (int) TarReader.padding(data.length);
    byte[] all = new byte[BLOCK + padded + BLOCK];
    System.arraycopy(paxBlock, 0, all, 0, BLOCK);
    System.arraycopy(data, 0, all, BLOCK, data.length);
    System.arraycopy(block, 0, all, BLOCK + padded, BLOCK);
    return all;
  }

  /** Encodes records as {@code "<len> <key>=<value>\n"}, the length counting itself. */
  static byte[] encodePax(Map<String, byte[]> records) {
    java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
    for (Map.Entry<String, byte[]> e : records.entrySet()) {
      byte[] key = e.getKey().getBytes(StandardCharsets.UTF_8);
      byte[] value = e.getValue();
      int base = key.length + value.length + 3; // ' ', '=', '\n'
      int len = base + digits(base);
      if (digits(len) != digits(base)) {
        len = base + digits(len);
      }
      buf.writeBytes(Integer.toString(len).getBytes(StandardCharsets.US_ASCII));
      buf.write(' ');
      buf.writeBytes(key);
      buf.write('=');
      buf.writeBytes(value);
      buf.write('\n');
    }
    return buf.toByteArray();
  }

  private static int digits(int n) {
    return Integer.toString(n).length();
  }

  /** Index of a '/' splitting {@code name} into a ustar prefix (<=155) and name (<=100), or -1. */
  private static int prefixSplit(byte[] name) {
    if (name.length > TarFields.PREFIX_LEN + 1 + TarFields.NAME_LEN) {
      return -1;
    }
    for (int i = Math.min(name.length - 2, TarFields.PREFIX_LEN); i > 0; i--) {
      if (name[i] == '/' && name.length - i - 1 <= TarFields.NAME_LEN && name.length - i - 1 > 0) {
        return i;
      }
    }
    return -1;
  }

  private static void putString(
      byte[] block, int off, int len, String value, String paxKey, Map<String, byte[]> pax) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    if (TarFields.isAscii(bytes) && bytes.length <= len) {
      System.arraycopy(bytes, 0, block, off, bytes.length);
    } else {
      pax.put(paxKey, bytes);
      putApproximation(block, off, len, bytes);
    }
  }

  /** An ASCII stand-in for readers that ignore PAX; truncated, non-ASCII bytes as '_'. */
  private static void putApproximation(byte[] block, int off, int len, byte[] bytes) {
    for (int i = 0; i < Math.min(len, bytes.length); i++) {
      byte b = bytes[i];
      block[off + i] = (b >= 0x20 && b < 0x7f) ? b : (byte) '_';
    }
  }

  private static void putNumber(
      byte[] block, int off, int len, long value, String paxKey, Map<String, byte[]> pax) {
    if (value > TarFields.maxOctal(len)) {
      pax.put(paxKey, Long.toString(value).getBytes(StandardCharsets.US_ASCII));
    }
    TarFields.putNumber(block, off, len, value);
  }

  private static byte[] paxHeaderName(String name) {
    String trimmed = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
    String base = trimmed.substring(trimmed.lastIndexOf('/') + 1);
    byte[] full = ("PaxHeaders.0/" + base).getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[Math.min(full.length, TarFields.NAME_LEN)];
    putApproximation(out, 0, out.length, full);
    return out;
  }

  private static void putMagic(byte[] block) {
    byte[] magic = {'u', 's', 't', 'a', 'r', 0, '0', '0'};
    System.arraycopy(magic, 0, block, TarFields.MAGIC, magic.length);
  }

  private static void putChecksum(byte[] block) {
    long sum = TarFields.unsignedChecksum(block);
    String digits = String.format("%06o", sum);
    for (int i = 0; i < 6; i++) {
      block[TarFields.CHKSUM + i] = (byte) digits.charAt(i);
    }
    block[TarFields.CHKSUM + 6] = 0;
    block[TarFields.CHKSUM + 7] = ' ';
  }
}
