package dev.tracefetch.fs.cache;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * How a chunk is laid out in its cache file: the chunk bytes, then a 16-byte trailer (magic,
 * length, CRC32C). The SHA-256 digest, checked before anything is stored, names the file; the
 * trailer lets every read check the copy on disk at memory speed (CRC32C is a CPU instruction;
 * SHA-256 would cost more than the read itself), so truncation, torn writes and bit rot are caught
 * on every read.
 */
final class EntryFormat {
  static final int TRAILER = 16;
  private static final byte[] MAGIC = "TFCHUNK1".getBytes(StandardCharsets.US_ASCII);

  private EntryFormat() {}

  /** The trailer for {@code data}. */
  static ByteBuffer trailer(byte[] data) {
    CRC32C crc = new CRC32C();
    crc.update(data, 0, data.length);
    ByteBuffer t = ByteBuffer.allocate(TRAILER).order(ByteOrder.LITTLE_ENDIAN);
    t.put(MAGIC).putInt(data.length).putInt((int) crc.getValue()).flip();
    return t;
  }

  /** Result of reading one entry file: the data, or why the file is not a valid entry. */
  record Read(byte[] data, String problem) {}

  /** Reads and checks {@code file}; throws only for I/O errors (including a missing file). */
  static Read read(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size < TRAILER || size - TRAILER > Integer.MAX_VALUE - 8) {
        return new Read(null, "file has " + size + " bytes, no room for a trailer");
      }
      byte[] data = new byte[(int) (size - TRAILER)];
      readFully(ch, ByteBuffer.wrap(data), 0);
      ByteBuffer t = ByteBuffer.allocate(TRAILER).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, t, data.length);
      t.flip();
      byte[] magic = new byte[MAGIC.length];
      t.get(magic);
      if (!Arrays.equals(magic, MAGIC)) {
        return new Read(null, "trailer magic missing");
      }
      int length = t.getInt();
      int crc = t.getInt();
      if (length != data.length) {
        return new Read(null, "trailer says " + length + " bytes, file holds " + data.length);
      }
      CRC32C actual = new CRC32C();
      actual.update(data, 0, data.length);
      if ((int) actual.getValue() != crc) {
        return new Read(null, "CRC32C mismatch");
      }
      return new Read(data, null);
    }
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
    while (buf.hasRemaining()) {
      if (ch.read(buf, pos + buf.position()) < 0) {
        throw new java.io.EOFException("cache file shrank while being read");
      }
    }
  }
}
