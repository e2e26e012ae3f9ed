package dev.tracefetch.layer.estargz;

import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes a sequence of independent gzip members to one stream, one {@link Deflater} reused for all.
 * eStargz needs a member boundary exactly where each payload starts, which a {@code
 * GZIPOutputStream} per member could do only at the cost of a new native deflater per file. The
 * member header matches Go's {@code compress/gzip} (MTIME 0, OS 0xff, XFL from the level) so blobs
 * look like stargz-snapshotter's.
 */
final class GzipMemberWriter {
  private final OutputStream out;
  private final int level;
  private final Deflater deflater;
  private final CRC32 crc = new CRC32();
  private final byte[] buf = new byte[64 << 10];
  private long inputSize;
  private boolean open;

  GzipMemberWriter(OutputStream out, int level) {
    this.out = out;
    this.level = level;
    this.deflater = new Deflater(level, true);
  }

  boolean isOpen() {
    return open;
  }

  void open() throws IOException {
    if (open) {
      throw new IllegalStateException("gzip member already open");
    }
    byte xfl =
        (byte) (level == Deflater.BEST_COMPRESSION ? 2 : level == Deflater.BEST_SPEED ? 4 : 0);
    out.write(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, xfl, (byte) 0xff});
    open = true;
  }

  void write(byte[] b, int off, int len) throws IOException {
    if (!open) {
      throw new IllegalStateException("no gzip member open");
    }
    if (len == 0) {
      return;
    }
    crc.update(b, off, len);
    inputSize += len;
    deflater.setInput(b, off, len);
    while (!deflater.needsInput()) {
      int n = deflater.deflate(buf, 0, buf.length, Deflater.NO_FLUSH);
      if (n > 0) {
        out.write(buf, 0, n);
      }
    }
  }

  void close() throws IOException {
    if (!open) {
      return;
    }
    deflater.finish();
    while (!deflater.finished()) {
      int n = deflater.deflate(buf, 0, buf.length, Deflater.NO_FLUSH);
      if (n > 0) {
        out.write(buf, 0, n);
      }
    }
    long c = crc.getValue();
    long s = inputSize & 0xffffffffL;
    out.write(
        new byte[] {
          (byte) c, (byte) (c >> 8), (byte) (c >> 16), (byte) (c >> 24),
          (byte) s, (byte) (s >> 8), (byte) (s >> 16), (byte) (s >> 24)
        });
    deflater.reset();
    crc.reset();
    inputSize = 0;
    open = false;
  }

  /** Releases the native deflater. */
  void end() {
    deflater.end();
  }
}
