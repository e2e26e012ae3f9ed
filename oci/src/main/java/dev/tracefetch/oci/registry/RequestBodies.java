package dev.tracefetch.oci.registry;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import okio.BufferedSink;

/** Repeatable request bodies: every retry or re-authentication sends them again from the start. */
final class RequestBodies {
  static final MediaType OCTET_STREAM = MediaType.get("application/octet-stream");

  private RequestBodies() {}

  static RequestBody empty() {
    return RequestBody.create(new byte[0], null);
  }

  static RequestBody bytes(byte[] content, String contentType) {
    return RequestBody.create(content, MediaType.get(contentType));
  }

  /** Bytes {@code [offset, offset+length)} of {@code source}, read anew for each send. */
  static RequestBody slice(BlobSource source, long offset, long length) {
    return new RequestBody() {
      @Override
      public MediaType contentType() {
        return OCTET_STREAM;
      }

      @Override
      public long contentLength() {
        return length;
      }

      @Override
      public void writeTo(BufferedSink sink) throws IOException {
        byte[] buf = new byte[64 * 1024];
        long remaining = length;
        try (InputStream in = source.openAt(offset)) {
          while (remaining > 0) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, remaining));
            if (n < 0) {
              throw new EOFException(
                  "blob source "
                      + source
                      + " ended "
                      + remaining
                      + " bytes early (it changed while being pushed?)");
            }
            sink.write(buf, 0, n);
            remaining -= n;
          }
        }
      }
    };
  }
}
