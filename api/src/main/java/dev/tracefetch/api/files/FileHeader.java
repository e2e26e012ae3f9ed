package dev.tracefetch.api.files;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.HexFormat;

/**
 * The fixed 16-byte header in front of every trace and replay file. It lets a reader refuse a file
 * before decompressing anything: wrong magic, a newer major version, the wrong payload kind, or a
 * declared payload larger than the reader accepts.
 *
 * <pre>
 * offset size  field
 * 0      4     magic 0x89 'T' 'F' 0x0A (non-ASCII first byte and LF catch text-mode damage)
 * 4      1     major version (readers refuse a newer major)
 * 5      1     minor version (additive changes; readers accept any)
 * 6      1     payload kind (1 trace, 2 replay plan)
 * 7      1     compression (1 zstd)
 * 8      8     uncompressed payload length, big-endian
 * 16     ...   zstd frame holding the protobuf payload
 * </pre>
 *
 * @param major major format version
 * @param minor minor format version
 * @param kind payload kind
 * @param payloadLength uncompressed protobuf length in bytes
 */
public record FileHeader(int major, int minor, PayloadKind kind, long payloadLength) {
  public static final int SIZE = 16;
  public static final int CURRENT_MAJOR = 1;
  public static final int CURRENT_MINOR = 0;
  static final byte[] MAGIC = {(byte) 0x89, 'T', 'F', 0x0A};
  static final int COMPRESSION_ZSTD = 1;

  public static FileHeader current(PayloadKind kind, long payloadLength) {
    return new FileHeader(CURRENT_MAJOR, CURRENT_MINOR, kind, payloadLength);
  }

  byte[] toBytes() {
    return ByteBuffer.allocate(SIZE)
        .put(MAGIC)
        .put((byte) major)
        .put((byte) minor)
        .put((byte) kind.code())
        .put((byte) COMPRESSION_ZSTD)
        .putLong(payloadLength)
        .array();
  }

  /** Reads and validates a header; the stream is left at the start of the compressed payload. */
  static FileHeader read(InputStream in) throws IOException {
    byte[] bytes = new byte[SIZE];
    try {
      new DataInputStream(in).readFully(bytes);
    } catch (EOFException e) {
      throw new FileFormatException(
          "not a trace/replay file: shorter than its " + SIZE + "-byte header", e);
    }
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    byte[] magic = new byte[4];
    buf.get(magic);
    if (!java.util.Arrays.equals(magic, MAGIC)) {
      throw new FileFormatException(
          "not a trace/replay file: wrong magic "
              + HexFormat.of().formatHex(magic)
              + ", expected "
              + HexFormat.of().formatHex(MAGIC));
    }
    int major = Byte.toUnsignedInt(buf.get());
    int minor = Byte.toUnsignedInt(buf.get());
    if (major > CURRENT_MAJOR) {
      throw new FileFormatException(
          "file format version "
              + major
              + "."
              + minor
              + " is newer than this reader ("
              + CURRENT_MAJOR
              + "."
              + CURRENT_MINOR
              + "); upgrade tracefetch");
    }
    if (major < 1) {
      throw new FileFormatException("file format version " + major + "." + minor + " is invalid");
    }
    PayloadKind kind = PayloadKind.fromCode(Byte.toUnsignedInt(buf.get()));
    int compression = Byte.toUnsignedInt(buf.get());
    if (compression != COMPRESSION_ZSTD) {
      throw new FileFormatException("unknown compression " + compression + " in header");
    }
    long length = buf.getLong();
    if (length < 0) {
      throw new FileFormatException("negative payload length " + length + " in header");
    }
    return new FileHeader(major, minor, kind, length);
  }
}
