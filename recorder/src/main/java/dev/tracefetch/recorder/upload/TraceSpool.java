package dev.tracefetch.recorder.upload;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * A local directory of trace files that could not be uploaded yet, so that nothing recorded is lost
 * when the store is down. Each file is named by the sha256 of its bytes (spooling the same trace
 * twice keeps one copy) and written atomically (temporary file, fsync, rename), so a crash never
 * leaves a half-written trace that a later flush would send.
 */
public final class TraceSpool {
  /** Default spool directory on a node. */
  public static final Path DEFAULT_DIR = Path.of("/var/spool/tracefetch/traces");

  private static final String SUFFIX = ".trace";

  private final Path dir;

  public TraceSpool(Path dir) {
    this.dir = Objects.requireNonNull(dir, "dir");
  }

  public Path dir() {
    return dir;
  }

  /** {@code sha256:<hex>} of {@code bytes}: the identity the store deduplicates on. */
  public static String digestOf(byte[] bytes) {
    try {
      return "sha256:"
          + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** Keeps {@code traceFile} in the spool; returns where. */
  public Path put(byte[] traceFile) throws IOException {
    Files.createDirectories(dir);
    String hex = digestOf(traceFile).substring("sha256:".length());
    Path target = dir.resolve(hex + SUFFIX);
    if (Files.exists(target)) {
      return target;
    }
    Path tmp = Files.createTempFile(dir, ".incoming-", ".tmp");
    try {
      try (var ch =
          java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
        ch.write(java.nio.ByteBuffer.wrap(traceFile));
        ch.force(true);
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
    return target;
  }

  /** Spooled trace files, oldest first. Temporary files of interrupted writes are not listed. */
  public List<Path> list() throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
      s.forEach(out::add);
    }
    out.sort(
        (a, b) -> {
          try {
            return Files.getLastModifiedTime(a).compareTo(Files.getLastModifiedTime(b));
          } catch (IOException e) {
            return a.compareTo(b);
          }
        });
    return out;
  }

  /** Removes a delivered trace. */
  public void remove(Path spooled) throws IOException {
    Files.deleteIfExists(spooled);
  }
}
