package dev.tracefetch.store.web;

import dev.tracefetch.store.error.TooLargeException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

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
    ByteArrayOutputStream out =
        new ByteArrayOutputStream(declaredLength > 0 ? (int) declaredLength : 64 * 1024);
    byte[] buffer = new byte[64 * 1024];
    long total = 0;
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
