package dev.tracefetch.oci.registry;

import dev.tracefetch.oci.image.DigestMismatchException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * A blob body that survives a dropped connection: when a read fails it asks for the rest of the
 * blob from the current position (a ranged GET) and carries on, a bounded number of times.
 */
final class ResumingInputStream extends InputStream {

  /** Opens the blob positioned at {@code offset}. */
  @FunctionalInterface
  interface Opener {
    InputStream open(long offset) throws IOException;
  }

  private final Opener opener;
  private final int maxResumes;
  private InputStream in;
  private long position;
  private int resumes;

  ResumingInputStream(InputStream first, Opener opener, int maxResumes) {
    this.in = Objects.requireNonNull(first, "first");
    this.opener = opener;
    this.maxResumes = maxResumes;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    while (true) {
      try {
        int n = in.read(b, off, len);
        if (n > 0) {
          position += n;
        }
        return n;
      } catch (RegistryException | DigestMismatchException e) {
        throw e;
      } catch (IOException e) {
        if (resumes >= maxResumes) {
          throw e;
        }
        resumes++;
        closeQuietly(in);
        in = opener.open(position);
      }
    }
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  private static void closeQuietly(InputStream s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // Already broken; the replacement stream is what matters.
    }
  }
}
