package dev.tracefetch.store.web;

import dev.tracefetch.store.error.TooLargeException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/** Reads a request body into memory without ever holding more than the allowed size. */
final class RequestBodies {
  private RequestBodies() {}

  /**
   * @param declaredLength the Content-Length, or -1 when the body is chunked
   * @throws TooLargeException as soon as the body is known to exceed {@code maxBytes}
   */
  static byte[] readBounded(InputStream in, long declaredLength, long maxBytes) throws IOException {
    if (declaredLength > maxBytes) {
      throw new TooLargeException(maxBytes);
    }
    if (declaredLength >= 0) {
      return readDeclared(in, (int) declaredLength, maxBytes);
    }
    return drain(in, new ByteArrayOutputStream(64 * 1024), 0, maxBytes);
  }

  /**
   * A body of known length is read straight into an array of that size: no growing buffer and no
   * copy of every upload. One that ends early is returned as it is; one that runs on past its
   * length (servlet containers normally prevent that) is read on, still bounded by {@code
   * maxBytes}.
   */
  private static byte[] readDeclared(InputStream in, int length, long maxBytes) throws IOException {
    byte[] body = new byte[length];
    int read = in.readNBytes(body, 0, length);
    if (read < length) {
      return Arrays.copyOf(body, read);
    }
    int next = in.read();
    if (next == -1) {
      return body;
    }
    if (length + 1L > maxBytes) {
      throw new TooLargeException(maxBytes);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(length + 64 * 1024);
    out.write(body);
    out.write(next);
    return drain(in, out, length + 1L, maxBytes);
  }

  private static byte[] drain(InputStream in, ByteArrayOutputStream out, long total, long maxBytes)
      throws IOException {
    byte[] buffer = new byte[64 * 1024];
    int n;
    while ((n = in.read(buffer)) != -1) {
      total += n;
      if (total > maxBytes) {
        throw new TooLargeException(maxBytes);
      }
      out.write(buffer, 0, n);
    }
    return out.toByteArray();
  }
}
