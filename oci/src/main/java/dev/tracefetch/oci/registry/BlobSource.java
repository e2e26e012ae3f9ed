package dev.tracefetch.oci.registry;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * The content of a blob to push, re-readable from any offset: an upload that fails half-way is
 * restarted from a fresh session, and chunked uploads read one slice per request.
 */
public interface BlobSource {

  /** Size of the content in bytes. */
  long size();

  /** A new stream positioned at {@code offset}; the caller closes it. */
  InputStream openAt(long offset) throws IOException;

  /** Content held in memory (the array is copied). */
  static BlobSource of(byte[] content) {
    byte[] copy = content.clone();
    return new BlobSource() {
      @Override
      public long size() {
        return copy.length;
      }

      @Override
      public InputStream openAt(long offset) {
        Objects.checkIndex((int) Math.min(offset, copy.length), copy.length + 1);
        return new ByteArrayInputStream(copy, (int) offset, copy.length - (int) offset);
      }
    };
  }

  /** Content of a file, which must not change while it is pushed. */
  static BlobSource of(Path file) throws IOException {
    long size = Files.size(file);
    return new BlobSource() {
      @Override
      public long size() {
        return size;
      }

      @Override
      public InputStream openAt(long offset) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        ch.position(offset);
        return Channels.newInputStream(ch);
      }

      @Override
      public String toString() {
        return file.toString();
      }
    };
  }
}
