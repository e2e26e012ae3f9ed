package dev.tracefetch.oci.layout;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Write-then-rename for files readers must never see half-written. Temporary files live in the
 * layout's top directory (same file system, so the rename is atomic) under a name no OCI tool
 * treats as content.
 */
final class AtomicFiles {
  static final String TEMP_PREFIX = ".tracefetch-";

  private AtomicFiles() {}

  /** A fresh temporary file in {@code dir}, readable by all like the blobs skopeo writes. */
  static Path createTemp(Path dir) throws IOException {
    Path tmp = Files.createTempFile(dir, TEMP_PREFIX, ".tmp");
    try {
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system: keep the default permissions.
    }
    return tmp;
  }

  /** Opens {@code tmp} for writing; {@link #commit} makes the content durable and visible. */
  static FileChannel openForWrite(Path tmp) throws IOException {
    return FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
  }

  /** Renames the flushed {@code tmp} to {@code target} atomically, replacing it. */
  static void commit(Path tmp, Path target) throws IOException {
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.deleteIfExists(tmp);
      throw new IOException("cannot atomically rename into " + target + ": " + e.getMessage(), e);
    }
  }

  /** Replaces {@code target} with {@code content} atomically. */
  static void write(Path target, byte[] content) throws IOException {
    Path tmp = createTemp(target.getParent());
    try {
      try (FileChannel ch = openForWrite(tmp);
          OutputStream out = Channels.newOutputStream(ch)) {
        out.write(content);
        out.flush();
        ch.force(true);
      }
      commit(tmp, target);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
