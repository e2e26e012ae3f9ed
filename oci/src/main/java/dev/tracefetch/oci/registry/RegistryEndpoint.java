package dev.tracefetch.oci.registry;

import dev.tracefetch.oci.registry.auth.AuthScope;
import java.io.IOException;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.RequestBody;

/**
 * One request of the distribution API: what to send, and what the answer means. The {@link
 * RegistryCaller} does everything common (auth, redirects, retries, timeouts, status mapping), so
 * each endpoint class states only its own rules.
 *
 * @param <T> what the endpoint makes of a successful answer
 */
interface RegistryEndpoint<T> {

  /** What a 404 from this endpoint means, for the typed exception. */
  enum Subject {
    MANIFEST,
    BLOB,
    OTHER
  }

  /** The action in error messages, e.g. {@code pull manifest}. */
  String action();

  /** The repository in error messages, or null. */
  String repository();

  /** The digest, tag or range in error messages, or null. */
  String target();

  String method();

  /** The request URL, built from the registry's base URL ({@code scheme://host:port}). */
  HttpUrl url(HttpUrl base);

  /** A fresh request body per attempt (must be repeatable), or null for none. */
  default RequestBody body() {
    return null;
  }

  default void addHeaders(Request.Builder request) {}

  /** The token scope this request needs. */
  AuthScope scope();

  /**
   * Whether a failed attempt may simply be repeated. False for requests that change upload state
   * (PATCH, closing PUT): those are restarted as a whole by the code that drives them.
   */
  boolean retryable();

  /** Whether 3xx answers are followed (GET and HEAD of blobs: storage redirects). */
  default boolean followRedirects() {
    return false;
  }

  /** Blob bodies are exempt from the whole-call timeout (read/write timeouts still apply). */
  default boolean transfersBlob() {
    return false;
  }

  /** Statuses besides 2xx that {@link #handle} understands (e.g. 404 for existence checks). */
  default boolean accepts(int status) {
    return false;
  }

  default Subject subject() {
    return Subject.OTHER;
  }

  /**
   * Interprets an accepted answer. The caller closes the response afterwards unless the endpoint
   * {@linkplain RegistryResponse#detachBody() detached} its body.
   */
  T handle(RegistryResponse response) throws IOException;
}
