package dev.tracefetch.oci.registry;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import okhttp3.HttpUrl;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * An answer from the registry as endpoints see it: status, headers, and a body read with a size
 * limit or handed out as a stream. Every body byte read is counted in {@link RegistryCounters}.
 */
final class RegistryResponse implements AutoCloseable {
  private final Response response;
  private final RegistryCounters counters;
  private final RegistryFailure failure;
  private boolean detached;

  RegistryResponse(Response response, RegistryCounters counters, RegistryFailure failure) {
    this.response = response;
    this.counters = counters;
    this.failure = failure.withStatus(response.code(), List.of());
  }

  int code() {
    return response.code();
  }

  String header(String name) {
    return response.header(name);
  }

  List<String> headers(String name) {
    return response.headers(name);
  }

  /** The URL this answer came from (after redirects). */
  HttpUrl requestUrl() {
    return response.request().url();
  }

  /** The failure context (action, registry, repository, target) with this answer's status. */
  RegistryFailure failure() {
    return failure;
  }

  /** {@code Content-Length}, or -1 when absent or malformed. */
  long contentLength() {
    String v = response.header("Content-Length");
    if (v == null) {
      return -1;
    }
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * The whole body, at most {@code limit} bytes.
   *
   * @throws RegistryProtocolException when the body is larger
   */
  byte[] bytes(int limit) throws IOException {
    ResponseBody body = response.body();
    if (body == null) {
      return new byte[0];
    }
    long declared = contentLength();
    if (declared > limit) {
      throw new RegistryProtocolException(
          failure, "answer of " + declared + " bytes exceeds the limit of " + limit);
    }
    try (InputStream in = body.byteStream()) {
      byte[] data;
      if (declared >= 0) {
        // One array of the announced size, filled in place: readNBytes(int) would gather the body
        // in 8 KiB pieces and copy them into the result (a 4 MiB chunk read costs 512 arrays and a
        // second copy).
        data = new byte[(int) declared];
        int got = in.readNBytes(data, 0, data.length);
        if (got < data.length) {
          data = java.util.Arrays.copyOf(data, got);
        }
      } else {
        data = in.readNBytes(limit);
      }
      counters.countDownloaded(data.length);
      if (data.length == limit && in.read() != -1) {
        throw new RegistryProtocolException(
            failure, "answer exceeds the limit of " + limit + " bytes");
      }
      return data;
    }
  }

  /**
   * The body as a stream the caller owns: closing it releases the connection. After this, the
   * response is no longer closed by the {@link RegistryCaller}.
   */
  InputStream detachBody() {
    ResponseBody body = response.body();
    detached = true;
    InputStream raw = body == null ? InputStream.nullInputStream() : body.byteStream();
    return new FilterInputStream(raw) {
      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
          counters.countDownloaded(1);
        }
        return b;
      }

      @Override
      public int read(byte[] buf, int off, int len) throws IOException {
        int n = super.read(buf, off, len);
        if (n > 0) {
          counters.countDownloaded(n);
        }
        return n;
      }

      @Override
      public void close() throws IOException {
        try {
          super.close();
        } finally {
          response.close();
        }
      }
    };
  }

  @Override
  public void close() {
    if (!detached) {
      response.close();
    }
  }
}
