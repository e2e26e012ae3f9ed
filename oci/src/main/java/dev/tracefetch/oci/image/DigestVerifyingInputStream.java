package dev.tracefetch.oci.image;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/**
 * Hashes a stream as it is read and, at its end, fails with {@link DigestMismatchException} instead
 * of reporting end of stream when the content does not match the expected digest (or size). This is
 * how a blob can be streamed without being buffered while a consumer that reads to the end never
 * mistakes corrupted bytes for a complete blob.
 */
public final class DigestVerifyingInputStream extends FilterInputStream {
  private final Digest expected;
  private final long expectedSize;
  private final String what;
  private final MessageDigest sha256 = Digest.newSha256();
  private long count;
  private boolean verified;

  /**
   * @param in the raw content
   * @param expected the digest the content must have
   * @param expectedSize the size it must have, or -1 if unknown
   * @param what names the content in errors (e.g. "blob sha256:... in oci:/dir")
   */
  public DigestVerifyingInputStream(
      InputStream in, Digest expected, long expectedSize, String what) {
    super(in);
    this.expected = expected;
    this.expectedSize = expectedSize;
    this.what = what;
  }

  @Override
  public int read() throws IOException {
    int b = in.read();
    if (b < 0) {
      verify();
      return -1;
    }
    sha256.update((byte) b);
    advance(1);
    return b;
  }

  @Override
  public int read(byte[] buf, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    int n = in.read(buf, off, len);
    if (n < 0) {
      verify();
      return -1;
    }
    sha256.update(buf, off, n);
    advance(n);
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    // Skipped bytes must still be hashed.
    byte[] buf = new byte[(int) Math.min(8192, Math.max(n, 1))];
    long skipped = 0;
    while (skipped < n) {
      int r = read(buf, 0, (int) Math.min(buf.length, n - skipped));
      if (r < 0) {
        break;
      }
      skipped += r;
    }
    return skipped;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  @Override
  public synchronized void mark(int readlimit) {}

  @Override
  public synchronized void reset() throws IOException {
    throw new IOException("mark/reset not supported while verifying " + what);
  }

  private void advance(int n) throws IOException {
    count += n;
    if (expectedSize >= 0 && count > expectedSize) {
      throw new IOException(
          what + " is longer than its expected size of " + expectedSize + " bytes");
    }
  }

  private void verify() throws IOException {
    if (verified) {
      return;
    }
    if (expectedSize >= 0 && count != expectedSize) {
      throw new IOException(
          what + " ended after " + count + " bytes, expected " + expectedSize + " bytes");
    }
    Digest actual = Digest.ofSha256Bytes(sha256.digest());
    if (!actual.equals(expected)) {
      throw new DigestMismatchException(what, expected, actual);
    }
    verified = true;
  }
}
