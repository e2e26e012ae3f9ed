package dev.tracefetch.layer.estargz;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Objects;

/**
 * Random access to a layer blob, the one thing the eStargz reader needs from wherever the blob
 * lives: the FUSE layer implements it with HTTP range requests against the registry, tests and
 * local tools with a byte array or a file. Kept minimal on purpose so that no transport type leaks
 * into this package.
 */
public interface BlobRangeReader {
  /**
   * Reads exactly {@code length} bytes at {@code offset}. A range past the end of the blob is an
   * error, never a short result.
   */
  byte[] read(long offset, int length) throws IOException;

  /** Size of the blob in bytes (known from its descriptor). */
  long size();

  /** A reader over an in-memory blob. */
  static BlobRangeReader ofBytes(byte[] blob) {
    Objects.requireNonNull(blob, "blob");
    return new BlobRangeReader() {
      @Override
      public byte[] read(long offset, int length) throws IOException {
        checkRange(offset, length, blob.length);
        return Arrays.copyOfRange(blob, (int) offset, (int) offset + length);
      }

      @Override
      public long size() {
        return blob.length;
      }
    };
  }

  /** A reader over a blob in a local file (opened for each read; the file must not change). */
  static BlobRangeReader ofFile(Path file) throws IOException {
    long size;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      size = ch.size();
    }
    return new BlobRangeReader() {
      @Override
      public byte[] read(long offset, int length) throws IOException {
        checkRange(offset, length, size);
        ByteBuffer buf = ByteBuffer.allocate(length);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
          while (buf.hasRemaining()) {
            if (ch.read(buf, offset + buf.position()) < 0) {
              throw new EOFException("blob file " + file + " shrank below " + (offset + length));
            }
          }
        }
        return buf.array();
      }

      @Override
      public long size() {
        return size;
      }
    };
  }

  private static void checkRange(long offset, int length, long size) throws EOFException {
    if (offset < 0 || length < 0 || offset + length > size) {
      throw new EOFException(
          "range [" + offset + ", " + (offset + length) + ") outside blob of " + size + " bytes");
    }
  }
}
