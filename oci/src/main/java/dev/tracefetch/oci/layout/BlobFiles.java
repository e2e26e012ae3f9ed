package dev.tracefetch.oci.layout;

import dev.tracefetch.oci.image.ContentNotFoundException;
import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.image.DigestMismatchException;
import dev.tracefetch.oci.image.DigestVerifyingInputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;

/** The {@code blobs/sha256/<hex>} files of a layout: verified reads and atomic, verified writes. */
final class BlobFiles {
  private final Path layoutDir;
  private final Path sha256Dir;

  BlobFiles(Path layoutDir) {
    this.layoutDir = layoutDir;
    this.sha256Dir = layoutDir.resolve("blobs").resolve("sha256");
  }

  record Written(Digest digest, long size) {}

  Path path(Digest digest) {
    return sha256Dir.resolve(digest.hex());
  }

  /** A stream that fails at its end if the file does not hash to {@code digest}. */
  InputStream open(Digest digest) throws IOException {
    Path file = path(digest);
    InputStream raw;
    long size;
    try {
      raw = Files.newInputStream(file);
      size = Files.size(file);
    } catch (NoSuchFileException e) {
      throw notFound(digest);
    }
    return new DigestVerifyingInputStream(
        new BufferedInputStream(raw, 64 * 1024), digest, size, describe(digest));
  }

  /**
   * The whole blob, verified before it is returned.
   *
   * @param expectedSize the size the blob must have, or -1 if unknown
   * @param limit the largest size accepted
   */
  byte[] readSmall(Digest digest, long expectedSize, int limit, String kind) throws IOException {
    Path file = path(digest);
    long size;
    try {
      size = Files.size(file);
    } catch (NoSuchFileException e) {
      throw notFound(digest);
    }
    if (size > limit) {
      throw new IOException(
          kind + " " + describe(digest) + " is " + size + " bytes, over the limit of " + limit);
    }
    if (expectedSize >= 0 && size != expectedSize) {
      throw new IOException(
          kind + " " + describe(digest) + " is " + size + " bytes, expected " + expectedSize);
    }
    byte[] bytes = Files.readAllBytes(file);
    Digest actual = Digest.of(bytes);
    if (!actual.equals(digest)) {
      throw new DigestMismatchException(kind + " " + describe(digest), digest, actual);
    }
    return bytes;
  }

  /**
   * Copies {@code content} into a temporary file, checks it against {@code expected} (if not null)
   * and {@code expectedSize} (if >= 0), then renames it into place.
   */
  Written write(InputStream content, Digest expected, long expectedSize) throws IOException {
    Files.createDirectories(sha256Dir);
    Path tmp = AtomicFiles.createTemp(layoutDir);
    try {
      MessageDigest sha256 = Digest.newSha256();
      long size = 0;
      try (FileChannel ch = AtomicFiles.openForWrite(tmp)) {
        byte[] buf = new byte[64 * 1024];
        for (int n; (n = content.read(buf)) >= 0; ) {
          sha256.update(buf, 0, n);
          ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
          while (bb.hasRemaining()) {
            ch.write(bb);
          }
          size += n;
        }
        ch.force(true);
      }
      Digest actual = Digest.ofSha256Bytes(sha256.digest());
      if (expected != null && !actual.equals(expected)) {
        throw new DigestMismatchException(
            "blob written to OCI layout " + layoutDir, expected, actual);
      }
      if (expectedSize >= 0 && size != expectedSize) {
        throw new IOException(
            "blob "
                + actual
                + " written to OCI layout "
                + layoutDir
                + " has "
                + size
                + " bytes, expected "
                + expectedSize);
      }
      // Replace even an existing file: the new content is verified, the old may be damaged.
      AtomicFiles.commit(tmp, path(actual));
      return new Written(actual, size);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private String describe(Digest digest) {
    return "blob " + digest + " in OCI layout " + layoutDir;
  }

  private ContentNotFoundException notFound(Digest digest) {
    return new ContentNotFoundException(
        "blob " + digest + " not found in OCI layout " + layoutDir + " (" + path(digest) + ")");
  }
}
