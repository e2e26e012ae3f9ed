package dev.tracefetch.oci.registry;

import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.image.DigestMismatchException;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * Hashes a blob while it streams and refuses to hand out its last byte until the whole content has
 * been checked against the expected digest (and size, when known). A reader that consumes the
 * stream to the end therefore either gets every byte of verified content or a {@link
 * DigestMismatchException}, never complete-looking corrupt data.
 */
final class VerifyingInputStream extends InputStream {
  private static final int BUFFER = 64 * 1024;

  private final InputStream in;
  private final Digest expected;
  private final long expectedSize;
  private final String what;
  private final MessageDigest sha256 = Digest.newSha256();
  private final byte[] buf = new byte[BUFFER];
  private int start;
  private int end;
  private long received;
  private boolean upstreamDone;

  /**
   * @param expectedSize the blob's size, or -1 when unknown
   * @param what names the blob in errors (registry, repository, digest)
   */
  VerifyingInputStream(InputStream in, Digest expected, long expectedSize, String what) {
    this.in = Objects.requireNonNull(in, "in");
    this.expected = Objects.requireNonNull(expected, "expected");
    this.expectedSize = expectedSize;
    this.what = what;
  }

  /** Buffers until at least two bytes are pending (one to give, one held back) or the end. */
  private void fill() throws IOException {
    while (!upstreamDone && end - start < 2) {
      if (start > 0) {
        System.arraycopy(buf, start, buf, 0, end - start);
        end -= start;
        start = 0;
      }
      int n = in.read(buf, end, buf.length - end);
      if (n < 0) {
        upstreamDone = true;
        verify();
      } else {
        sha256.update(buf, end, n);
        end += n;
        received += n;
        if (expectedSize >= 0 && received > expectedSize) {
          start = end;
          throw new DigestMismatchException(
              what + " (more than the expected " + expectedSize + " bytes)",
              expected,
              Digest.ofSha256Bytes(sha256.digest()));
        }
      }
    }
  }

  private void verify() throws IOException {
    Digest actual = Digest.ofSha256Bytes(sha256.digest());
    if (!actual.equals(expected)) {
      start = end; // nothing more is handed out
      throw new DigestMismatchException(
          what + " (" + received + " bytes received)", expected, actual);
    }
    if (expectedSize >= 0 && received != expectedSize) {
      start = end;
      throw new DigestMismatchException(
          what + " (" + received + " bytes received, " + expectedSize + " expected)",
          expected,
          actual);
    }
  }

  private int available0() {
    int pending = end - start;
    return upstreamDone ? pending : Math.max(0, pending - 1);
  }

  @Override
  public int read() throws IOException {
    fill();
    if (available0() == 0) {
      return -1;
    }
    return buf[start++] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      return 0;
    }
    fill();
    int n = Math.min(len, available0());
    if (n == 0) {
      return -1;
    }
    System.arraycopy(buf, start, b, off, n);
    start += n;
    return n;
  }

  @Override
  public int available() {
    return available0();
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
