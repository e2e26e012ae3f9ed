package dev.tracefetch.layer.tar;

import static dev.tracefetch.layer.tar.TarFields.BLOCK;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Reads an uncompressed tar stream entry by entry: ustar, GNU ({@code L}/{@code K} long names,
 * base-256 numbers) and PAX (local and global extended headers, {@code SCHILY.xattr.*}). Layers
 * come from untrusted registries, so extension headers are size-limited, checksums are verified,
 * names must be valid UTF-8, and anything that is not a file-system object is rejected with the
 * offset of the offending header instead of being guessed at.
 *
 * <p>Not thread-safe. {@link #close()} closes the underlying stream.
 */
public final class TarReader implements Closeable {
  /** Default limit on one PAX extended header's data. */
  public static final int DEFAULT_MAX_PAX_SIZE = 8 << 20;

  /** Default limit on one GNU long name/link. */
  public static final int DEFAULT_MAX_LONG_NAME = 64 << 10;

  private final InputStream in;
  private final int maxPaxSize;
  private final int maxLongName;
  private final Map<String, byte[]> globalPax = new LinkedHashMap<>();

  private long position;
  private long remainingPayload;
  private long remainingPadding;
  private long headerOffset = -1;
  private long payloadOffset = -1;
  private TarHeader current;
  private boolean finished;
  private EntryStream currentStream;

  /** Reads from {@code in} with default limits; {@link #close()} closes {@code in}. */
  public TarReader(InputStream in) {
    this(in, DEFAULT_MAX_PAX_SIZE, DEFAULT_MAX_LONG_NAME);
  }

  /** Reads from {@code in} with the given limits; {@link #close()} closes {@code in}. */
  public TarReader(InputStream in, int maxPaxSize, int maxLongName) {
    this.in = Objects.requireNonNull(in, "in");
    if (maxPaxSize <= 0 || maxLongName <= 0) {
      throw new IllegalArgumentException("limits must be positive");
    }
    this.maxPaxSize = maxPaxSize;
    this.maxLongName = maxLongName;
  }

  /**
   * Advances to the next entry, skipping whatever of the current payload was not read.
   *
   * @return the next entry's header, or null at the end of the archive
   */
  public TarHeader next() throws IOException {
    if (finished) {
      return null;
    }
    skipFully(remainingPayload + remainingPadding);
    remainingPayload = 0;
    remainingPadding = 0;
    if (currentStream != null) {
      currentStream.detached = true;
      currentStream = null;
    }
    current = null;

    Map<String, byte[]> localPax = new LinkedHashMap<>();
    byte[] longName = null;
    byte[] longLink = null;
    boolean pendingExtension = false;
    headerOffset = position;
    byte[] block = new byte[BLOCK];
    while (true) {
      long at = position;
      int n = readUpTo(block);
      if (n == 0) {
        if (pendingExtension) {
          throw new TarFormatException(
              "tar stream ends at offset " + at + " after an extension header without its entry");
        }
        finished = true;
        return null;
      }
      if (n < BLOCK) {
        throw new TarFormatException(
            "tar stream truncated at offset " + at + ": partial header of " + n + " bytes");
      }
      if (TarFields.isZero(block)) {
        if (pendingExtension) {
          throw new TarFormatException(
              "end-of-archive block at offset " + at + " follows an extension header");
        }
        finished = true;
        readUpTo(new byte[BLOCK]); // the second end-of-archive block, when present
        return null;
      }
      verifyChecksum(block, at);
      byte typeflag = block[TarFields.TYPEFLAG];
      long size = TarFields.parseNumber(block, TarFields.SIZE, 12, "size", at);
      if (size < 0) {
        throw new TarFormatException("negative size " + size + " in header at offset " + at);
      }
      switch (typeflag) {
        case TarFields.TYPE_PAX -> {
          parsePax(readExtension(size, maxPaxSize, "PAX extended header", at), localPax, at);
          pendingExtension = true;
          continue;
        }
        case TarFields.TYPE_PAX_GLOBAL -> {
          Map<String, byte[]> g = new LinkedHashMap<>();
          parsePax(readExtension(size, maxPaxSize, "PAX global header", at), g, at);
          g.forEach(
              (k, v) -> {
                if (v.length == 0) {
                  globalPax.remove(k);
                } else {
                  globalPax.put(k, v);
                }
              });
          continue;
        }
        case TarFields.TYPE_GNU_LONGNAME -> {
          longName = trimNul(readExtension(size, maxLongName, "GNU long name", at));
          pendingExtension = true;
          continue;
        }
        case TarFields.TYPE_GNU_LONGLINK -> {
          longLink = trimNul(readExtension(size, maxLongName, "GNU long link name", at));
          pendingExtension = true;
          continue;
        }
        default -> {}
      }
      Map<String, byte[]> pax = new LinkedHashMap<>(globalPax);
      pax.putAll(localPax);
      current = buildHeader(block, typeflag, size, longName, longLink, pax, at);
      payloadOffset = position;
      remainingPayload = current.size();
      remainingPadding = padding(current.size());
      return current;
    }
  }

  /** The header returned by the last {@link #next()}, or null. */
  public TarHeader current() {
    return current;
  }

  /** Offset in the tar stream of the current entry's first header block (extensions included). */
  public long headerOffset() {
    return headerOffset;
  }

  /** Offset in the tar stream of the current entry's payload. */
  public long payloadOffset() {
    return payloadOffset;
  }

  /** Bytes consumed from the underlying stream so far. */
  public long position() {
    return position;
  }

  /**
   * The current entry's payload. Reading it to the end yields exactly {@code size} bytes; a
   * truncated archive raises {@link TarFormatException}. Invalid after the next {@link #next()}.
   */
  public InputStream payload() {
    if (current == null) {
      throw new IllegalStateException("no current tar entry");
    }
    if (currentStream == null) {
      currentStream = new EntryStream(current.name());
    }
    return currentStream;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  private TarHeader buildHeader(
      byte[] block,
      byte typeflag,
      long size,
      byte[] longName,
      byte[] longLink,
      Map<String, byte[]> pax,
      long at)
      throws TarFormatException {
    boolean posix =
        Arrays.equals(Arrays.copyOfRange(block, TarFields.MAGIC, TarFields.MAGIC + 6), USTAR)
            && block[TarFields.VERSION] == '0'
            && block[TarFields.VERSION + 1] == '0';
    boolean gnu =
        Arrays.equals(Arrays.copyOfRange(block, TarFields.MAGIC, TarFields.MAGIC + 8), GNU);
    boolean hasOwnerFields = posix || gnu;

    byte[] nameBytes = TarFields.cString(block, TarFields.NAME, TarFields.NAME_LEN);
    if (posix) {
      byte[] prefix = TarFields.cString(block, TarFields.PREFIX, TarFields.PREFIX_LEN);
      if (prefix.length > 0) {
        byte[] joined = new byte[prefix.length + 1 + nameBytes.length];
        System.arraycopy(prefix, 0, joined, 0, prefix.length);
        joined[prefix.length] = '/';
        System.arraycopy(nameBytes, 0, joined, prefix.length + 1, nameBytes.length);
        nameBytes = joined;
      }
    }
    if (longName != null) {
      nameBytes = longName;
    }
    byte[] linkBytes = TarFields.cString(block, TarFields.LINKNAME, TarFields.NAME_LEN);
    if (longLink != null) {
      linkBytes = longLink;
    }
    byte[] unameBytes =
        hasOwnerFields ? TarFields.cString(block, TarFields.UNAME, TarFields.OWNER_LEN) : EMPTY;
    byte[] gnameBytes =
        hasOwnerFields ? TarFields.cString(block, TarFields.GNAME, TarFields.OWNER_LEN) : EMPTY;
    long mode = TarFields.parseNumber(block, TarFields.MODE, TarFields.ID_LEN, "mode", at);
    long uid = TarFields.parseNumber(block, TarFields.UID, TarFields.ID_LEN, "uid", at);
    long gid = TarFields.parseNumber(block, TarFields.GID, TarFields.ID_LEN, "gid", at);
    long mtime = TarFields.parseNumber(block, TarFields.MTIME, TarFields.NUM12_LEN, "mtime", at);
    java.time.Instant modTime = java.time.Instant.ofEpochSecond(mtime);
    long devMajor = 0;
    long devMinor = 0;

    TreeMap<String, byte[]> xattrs = new TreeMap<>();
    TreeMap<String, byte[]> extras = new TreeMap<>();
    for (Map.Entry<String, byte[]> e : pax.entrySet()) {
      String key = e.getKey();
      byte[] value = e.getValue();
      if (value.length == 0 && BASIC_KEYS.contains(key)) {
        continue; // an empty record restores the header field's value
      }
      switch (key) {
        case "path" -> nameBytes = value;
        case "linkpath" -> linkBytes = value;
        case "uname" -> unameBytes = value;
        case "gname" -> gnameBytes = value;
        case "size" -> size = paxNumber(key, value, at);
        case "uid" -> uid = paxNumber(key, value, at);
        case "gid" -> gid = paxNumber(key, value, at);
        case "mtime" -> modTime = TarFields.parsePaxTime(ascii(value), at);
        case "SCHILY.devmajor" -> devMajor = paxNumber(key, value, at);
        case "SCHILY.devminor" -> devMinor = paxNumber(key, value, at);
        case "hdrcharset" -> {
          // Names are required to be UTF-8 either way; nothing to carry over.
        }
        default -> {
          if (key.startsWith(TarFields.XATTR_PREFIX)) {
            String attr = key.substring(TarFields.XATTR_PREFIX.length());
            if (attr.isEmpty()) {
              throw new TarFormatException("empty xattr name in PAX header at offset " + at);
            }
            xattrs.put(attr, value);
          } else if (key.startsWith("GNU.sparse.")) {
            throw new TarFormatException(
                "GNU sparse file (PAX record " + key + ") at offset " + at + " is not supported");
          } else {
            extras.put(key, value);
          }
        }
      }
    }
    String name = TarFields.utf8(nameBytes, "entry name", at);
    if (name.isEmpty()) {
      throw new TarFormatException("tar entry without a name at offset " + at);
    }
    TarEntryType type = entryType(typeflag, name, at);
    if (type.isDevice()) {
      if (!pax.containsKey("SCHILY.devmajor")) {
        devMajor =
            hasOwnerFields
                ? TarFields.parseNumber(block, TarFields.DEVMAJOR, 8, "devmajor", at)
                : 0;
      }
      if (!pax.containsKey("SCHILY.devminor")) {
        devMinor =
            hasOwnerFields
                ? TarFields.parseNumber(block, TarFields.DEVMINOR, 8, "devminor", at)
                : 0;
      }
    } else {
      devMajor = 0;
      devMinor = 0;
    }
    if (!type.hasPayload()) {
      size = 0; // header-only types carry no data whatever the size field says
    }
    String linkName = type.isLink() ? TarFields.utf8(linkBytes, "link name of " + name, at) : "";
    if (type.isLink() && linkName.isEmpty()) {
      throw new TarFormatException(type + " '" + name + "' at offset " + at + " has no target");
    }
    if (mode < 0
        || mode > TarHeader.MAX_MODE
        || uid < 0
        || gid < 0
        || devMajor < 0
        || devMinor < 0) {
      throw new TarFormatException(
          "out-of-range mode, uid, gid or device number for '" + name + "' at offset " + at);
    }
    try {
      return TarHeader.builder(name, type)
          .size(size)
          .mode(mode)
          .uid(uid)
          .gid(gid)
          .userName(TarFields.utf8(unameBytes, "user name of " + name, at))
          .groupName(TarFields.utf8(gnameBytes, "group name of " + name, at))
          .modTime(modTime)
          .linkName(linkName)
          .devMajor(devMajor)
          .devMinor(devMinor)
          .xattrs(Xattrs.of(xattrs))
          .paxRecords(PaxRecords.of(extras))
          .build();
    } catch (IllegalArgumentException e) {
      throw new TarFormatException("invalid tar header at offset " + at + ": " + e.getMessage(), e);
    }
  }

  private static TarEntryType entryType(byte typeflag, String name, long at)
      throws TarFormatException {
    return switch (typeflag) {
      case '0', '7' -> TarEntryType.REGULAR;
      case 0 -> name.endsWith("/") ? TarEntryType.DIRECTORY : TarEntryType.REGULAR;
      case '1' -> TarEntryType.HARDLINK;
      case '2' -> TarEntryType.SYMLINK;
      case '3' -> TarEntryType.CHAR_DEVICE;
      case '4' -> TarEntryType.BLOCK_DEVICE;
      case '5' -> TarEntryType.DIRECTORY;
      case '6' -> TarEntryType.FIFO;
      default ->
          throw new TarFormatException(
              "unsupported tar entry type "
                  + describeType(typeflag)
                  + " for '"
                  + name
                  + "' at offset "
                  + at
                  + " (container layers hold files, directories, links, devices and fifos only)");
    };
  }

  private static String describeType(byte t) {
    String c = (t >= 0x20 && t < 0x7f) ? String.valueOf((char) t) : String.format("\\x%02x", t);
    String meaning =
        switch (t) {
          case 'S' -> " (GNU sparse file)";
          case 'D' -> " (GNU dump directory)";
          case 'M' -> " (GNU multi-volume continuation)";
          case 'V' -> " (GNU volume label)";
          default -> "";
        };
    return "'" + c + "'" + meaning;
  }

  private void verifyChecksum(byte[] block, long at) throws TarFormatException {
    long stored;
    try {
      stored = TarFields.parseNumber(block, TarFields.CHKSUM, TarFields.CHKSUM_LEN, "checksum", at);
    } catch (TarFormatException e) {
      throw new TarFormatException(
          "not a tar header at offset " + at + " (checksum field unreadable)", e);
    }
    if (stored != TarFields.unsignedChecksum(block) && stored != TarFields.signedChecksum(block)) {
      throw new TarFormatException(
          "tar header checksum mismatch at offset "
              + at
              + " (stored "
              + stored
              + ", computed "
              + TarFields.unsignedChecksum(block)
              + "): not a tar stream or corrupt");
    }
  }

  private static long paxNumber(String key, byte[] value, long at) throws TarFormatException {
    String s = ascii(value);
    if (s.isEmpty() || s.length() > 19 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new TarFormatException(
          "invalid PAX " + key + " value '" + s + "' in extended header at offset " + at);
    }
    return Long.parseLong(s);
  }

  private static String ascii(byte[] value) {
    return new String(value, StandardCharsets.ISO_8859_1);
  }

  /** Parses PAX records ({@code "<len> <key>=<value>\n"}) into {@code out}. */
  private static void parsePax(byte[] data, Map<String, byte[]> out, long at)
      throws TarFormatException {
    int pos = 0;
    while (pos < data.length) {
      if (data[pos] == 0) {
        break; // some writers pad the data with NULs
      }
      int sp = pos;
      long len = 0;
      while (sp < data.length && data[sp] >= '0' && data[sp] <= '9' && sp - pos < 10) {
        len = len * 10 + (data[sp] - '0');
        sp++;
      }
      if (sp == pos || sp >= data.length || data[sp] != ' ' || len <= sp - pos + 1) {
        throw new TarFormatException("malformed PAX record in extended header at offset " + at);
      }
      long end = pos + len;
      if (end > data.length || data[(int) end - 1] != '\n') {
        throw new TarFormatException(
            "PAX record length " + len + " overruns extended header at offset " + at);
      }
      int eq = -1;
      for (int i = sp + 1; i < end - 1; i++) {
        if (data[i] == '=') {
          eq = i;
          break;
        }
      }
      if (eq <= sp + 1) {
        throw new TarFormatException("PAX record without key in extended header at offset " + at);
      }
      String key = TarFields.utf8(Arrays.copyOfRange(data, sp + 1, eq), "PAX record key", at);
      if (key.indexOf('\0') >= 0) {
        throw new TarFormatException("PAX record key with NUL in extended header at offset " + at);
      }
      out.put(key, Arrays.copyOfRange(data, eq + 1, (int) end - 1));
      pos = (int) end;
    }
  }

  private byte[] readExtension(long size, int limit, String what, long at) throws IOException {
    if (size > limit) {
      throw new TarFormatException(
          what + " at offset " + at + " is " + size + " bytes, over the limit of " + limit);
    }
    byte[] data = new byte[(int) size];
    readFully(data, what + " at offset " + at);
    skipFully(padding(size));
    return data;
  }

  private static byte[] trimNul(byte[] b) {
    int end = 0;
    while (end < b.length && b[end] != 0) {
      end++;
    }
    return Arrays.copyOf(b, end);
  }

  static long padding(long size) {
    long r = size % BLOCK;
    return r == 0 ? 0 : BLOCK - r;
  }

  private int readUpTo(byte[] b) throws IOException {
    int n = 0;
    while (n < b.length) {
      int r = in.read(b, n, b.length - n);
      if (r < 0) {
        break;
      }
      n += r;
    }
    position += n;
    return n;
  }

  private void readFully(byte[] b, String what) throws IOException {
    if (readUpTo(b) != b.length) {
      throw new TarFormatException("tar stream truncated inside " + what);
    }
  }

  private void skipFully(long n) throws IOException {
    byte[] scratch = null;
    while (n > 0) {
      long s = in.skip(n);
      if (s > 0) {
        n -= s;
        position += s;
        continue;
      }
      if (scratch == null) {
        scratch = new byte[(int) Math.min(n, 64 << 10)];
      }
      int r = in.read(scratch, 0, (int) Math.min(n, scratch.length));
      if (r < 0) {
        throw new TarFormatException(
            "tar stream truncated at offset "
                + position
                + (current != null ? " inside the payload of '" + current.name() + "'" : ""));
      }
      n -= r;
      position += r;
    }
  }

  private static final byte[] USTAR = {'u', 's', 't', 'a', 'r', 0};
  private static final byte[] GNU = {'u', 's', 't', 'a', 'r', ' ', ' ', 0};
  private static final byte[] EMPTY = new byte[0];
  private static final java.util.Set<String> BASIC_KEYS =
      java.util.Set.of(
          "path",
          "linkpath",
          "uname",
          "gname",
          "size",
          "uid",
          "gid",
          "mtime",
          "SCHILY.devmajor",
          "SCHILY.devminor");

  /** The payload of one entry; bounded by its size. */
  private final class EntryStream extends InputStream {
    private final String name;
    private boolean detached;

    EntryStream(String name) {
      this.name = name;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int r = read(one, 0, 1);
      return r < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      Objects.checkFromIndexSize(off, len, b.length);
      if (detached || remainingPayload == 0) {
        return -1;
      }
      if (len == 0) {
        return 0;
      }
      int r = in.read(b, off, (int) Math.min(len, remainingPayload));
      if (r < 0) {
        throw new TarFormatException(
            "tar stream truncated at offset "
                + position
                + ": payload of '"
                + name
                + "' misses "
                + remainingPayload
                + " bytes");
      }
      position += r;
      remainingPayload -= r;
      return r;
    }

    @Override
    public long skip(long n) throws IOException {
      if (detached || n <= 0) {
        return 0;
      }
      long s = Math.min(n, remainingPayload);
      skipFully(s);
      remainingPayload -= s;
      return s;
    }

    @Override
    public int available() {
      return 0;
    }
  }
}
