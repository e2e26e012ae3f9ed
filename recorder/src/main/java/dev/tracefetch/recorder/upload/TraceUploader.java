package dev.tracefetch.recorder.upload;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * Sends trace files to the trace store's REST endpoint ({@code POST /api/v1/traces}, the file as
 * {@code application/octet-stream}, bearer token). Uploads are idempotent: the store recognises a
 * re-sent file by its content digest and answers 200 instead of 201, so retrying after an unclear
 * failure never creates a second trace.
 */
public final class TraceUploader implements AutoCloseable {
  private static final MediaType OCTET_STREAM = MediaType.get("application/octet-stream");
  private static final String PATH = "/api/v1/traces";

  private final URI endpoint;
  private final String token;
  private final OkHttpClient http;

  /**
   * @param store the store's base URL ({@code http://host:8080}) or the full endpoint URL
   * @param token bearer token with the upload scope
   */
  public TraceUploader(URI store, String token, Duration timeout) {
    Objects.requireNonNull(store, "store");
    this.token = Objects.requireNonNull(token, "token");
    if (store.getScheme() == null
        || !(store.getScheme().equals("http") || store.getScheme().equals("https"))
        || store.getHost() == null) {
      throw new IllegalArgumentException("upload URL must be http(s)://host[:port], got " + store);
    }
    String s = store.toString().replaceAll("/+$", "");
    this.endpoint = URI.create(s.endsWith(PATH) ? s : s + PATH);
    this.http =
        new OkHttpClient.Builder()
            .connectTimeout(timeout)
            .readTimeout(timeout)
            .writeTimeout(timeout)
            .callTimeout(timeout.multipliedBy(2))
            .retryOnConnectionFailure(false)
            .build();
  }

  public URI endpoint() {
    return endpoint;
  }

  /** Uploads one trace file's bytes. */
  public UploadResult upload(byte[] traceFile) throws UploadException {
    String digest = TraceSpool.digestOf(traceFile);
    Request request =
        new Request.Builder()
            .url(endpoint.toString())
            .header("Authorization", "Bearer " + token)
            .post(RequestBody.create(traceFile, OCTET_STREAM))
            .build();
    try (Response response = http.newCall(request).execute()) {
      ResponseBody b = response.body();
      String body = b == null ? "" : b.string();
      int code = response.code();
      if (code == 201 || code == 200) {
        return new UploadResult(digest, code == 200, body);
      }
      boolean retryable = code >= 500 || code == 429 || code == 408;
      throw new UploadException(
          "trace store "
              + endpoint
              + " answered HTTP "
              + code
              + " to the upload of "
              + digest
              + (body.isBlank() ? "" : ": " + abbreviate(body)),
          retryable,
          null);
    } catch (IOException e) {
      throw new UploadException(
          "cannot reach the trace store at " + endpoint + ": " + e.getMessage(), true, e);
    }
  }

  private static String abbreviate(String s) {
    String one = s.replaceAll("\\s+", " ").strip();
    return one.length() <= 300 ? one : one.substring(0, 300) + "...";
  }

  @Override
  public void close() {
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }
}
