package dev.tracefetch.fs.remote;

import dev.tracefetch.oci.image.Descriptor;
import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.image.DigestMismatchException;
import dev.tracefetch.oci.registry.RegistryClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;

/**
 * Downloads one blob with parallel HTTP range requests into a local file. The parts are written
 * into a temporary file at their offsets; the whole file is then checked against the descriptor's
 * size and digest, and only a file that matches is renamed to its final name. A reader therefore
 * never sees a partial or unverified blob, whatever fails or is interrupted midway.
 */
final class ParallelBlobDownload {
  private ParallelBlobDownload() {}

  /**
   * Downloads {@code blob} of {@code repository} to {@code target}.
   *
   * @param parts the pool the range requests run on (its size bounds the connections)
   * @param partSize bytes per range request
   * @param progress counts bytes as they arrive
   * @throws DigestMismatchException if the assembled blob does not hash to its digest
   * @throws IOException if a part cannot be fetched or written
   */
  static void download(
      RegistryClient client,
      String repository,
      Descriptor blob,
      Path target,
      ExecutorService parts,
      int partSize,
      LongAdder progress)
      throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".part");
    List<Future<?>> futures = new ArrayList<>();
    try {
      try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        for (long off = 0; off < blob.size(); off += partSize) {
          long from = off;
          int len = (int) Math.min(partSize, blob.size() - off);
          futures.add(
              parts.submit(
                  () -> {
                    byte[] data = fetch(client, repository, blob, from, len);
                    ByteBuffer buf = ByteBuffer.wrap(data);
                    while (buf.hasRemaining()) {
                      out.write(buf, from + buf.position());
                    }
                    progress.add(len);
                    return null;
                  }));
        }
        awaitAll(futures, blob);
        out.force(false);
      }
      verify(tmp, blob, repository);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      for (Future<?> f : futures) {
        f.cancel(true);
      }
      Files.deleteIfExists(tmp);
    }
  }

  private static byte[] fetch(
      RegistryClient client, String repository, Descriptor blob, long offset, int length)
      throws IOException {
    byte[] data = client.fetchBlobRange(repository, blob.digest(), offset, length);
    if (data.length != length) {
      throw new IOException(
          "layer "
              + blob.digest()
              + " in "
              + repository
              + ": asked for bytes "
              + offset
              + "-"
              + (offset + length - 1)
              + ", got "
              + data.length
              + " bytes");
    }
    return data;
  }

  private static void awaitAll(List<Future<?>> futures, Descriptor blob) throws IOException {
    for (Future<?> f : futures) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while downloading layer " + blob.digest());
      } catch (ExecutionException e) {
        Throwable c = e.getCause();
        if (c instanceof IOException io) {
          throw io;
        }
        throw new IOException("downloading layer " + blob.digest() + " failed: " + c, c);
      }
    }
  }

  private static void verify(Path file, Descriptor blob, String repository) throws IOException {
    long size = Files.size(file);
    if (size != blob.size()) {
      throw new IOException(
          "layer "
              + blob.digest()
              + " in "
              + repository
              + ": downloaded "
              + size
              + " bytes, the manifest says "
              + blob.size());
    }
    MessageDigest sha = Digest.newSha256();
    byte[] buf = new byte[1 << 20];
    try (InputStream in = Files.newInputStream(file)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        sha.update(buf, 0, n);
      }
    }
    Digest actual = Digest.ofSha256Bytes(sha.digest());
    if (!actual.equals(blob.digest())) {
      throw new DigestMismatchException(
          "layer " + blob.digest() + " downloaded from " + repository, blob.digest(), actual);
    }
  }
}
