package dev.tracefetch.oci.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracefetch.oci.image.DigestMismatchException;
import dev.tracefetch.oci.registry.auth.AuthenticationException;
import dev.tracefetch.oci.registry.auth.CredentialProvider;
import dev.tracefetch.oci.registry.auth.RegistryAuthenticator;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * The only class that speaks HTTP to a registry. It runs {@link RegistryEndpoint}s with what every
 * call needs: authentication (up front once the scheme is known, else through the 401 challenge,
 * retried once), storage redirects followed without forwarding {@code Authorization}, timeouts,
 * bounded retries with backoff for 5xx, 429 and connection errors on idempotent calls, and the
 * mapping of failures to typed {@link RegistryException}s naming what was attempted.
 */
final class RegistryCaller {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_REDIRECTS = 5;
  private static final int ERROR_BODY_LIMIT = 64 * 1024;
  private static final int TOKEN_BODY_LIMIT = 1024 * 1024;

  private final RegistryAddress address;
  private final HttpUrl base;
  private final OkHttpClient http;
  private final RegistryAuthenticator auth;
  private final CredentialProvider credentials;
  private final RetryPolicy retry;
  private final RegistryTimeouts timeouts;
  private final RegistryCounters counters;
  private final Sleeper sleeper;
  private final Random random;

  RegistryCaller(
      RegistryAddress address,
      OkHttpClient http,
      CredentialProvider credentials,
      RetryPolicy retry,
      RegistryTimeouts timeouts,
      RegistryCounters counters,
      Sleeper sleeper,
      Random random,
      Clock clock) {
    this.address = address;
    this.base = HttpUrl.get(address.baseUrl());
    this.http = http;
    this.credentials = credentials;
    this.auth = new RegistryAuthenticator(address.name(), credentials, this::fetchToken, clock);
    this.retry = retry;
    this.timeouts = timeouts;
    this.counters = counters;
    this.sleeper = sleeper;
    this.random = random;
  }

  /** An okhttp client with these timeouts that never follows redirects or retries by itself. */
  static OkHttpClient newHttpClient(RegistryTimeouts timeouts) {
    return new OkHttpClient.Builder()
        .connectTimeout(timeouts.connect())
        .readTimeout(timeouts.read())
        .writeTimeout(timeouts.write())
        .followRedirects(false)
        .followSslRedirects(false)
        .retryOnConnectionFailure(false)
        .build();
  }

  RegistryAddress address() {
    return address;
  }

  RegistryCounters counters() {
    return counters;
  }

  HttpUrl baseUrl() {
    return base;
  }

  /**
   * Runs {@code endpoint} to completion.
   *
   * @throws RegistryException for every failure the registry reports or that retries did not cure
   * @throws DigestMismatchException when the endpoint verified content and it did not match
   */
  <T> T call(RegistryEndpoint<T> endpoint) throws IOException {
    RegistryFailure context =
        RegistryFailure.of(
            endpoint.action(), address.name(), endpoint.repository(), endpoint.target());
    int attempt = 0;
    while (true) {
      attempt++;
      boolean mayRetry = endpoint.retryable() && attempt < retry.maxAttempts();
      Response raw;
      try {
        raw = exchange(endpoint, context);
      } catch (AuthenticationException e) {
        throw new RegistryUnauthorizedException(context, e.getMessage(), e);
      } catch (RegistryException e) {
        throw e;
      } catch (IOException e) {
        if (mayRetry) {
          pause(retry.backoff(attempt, random), context);
          continue;
        }
        throw unavailable(context, e, attempt);
      }
      try (RegistryResponse response = new RegistryResponse(raw, counters, context)) {
        int code = response.code();
        if ((code >= 200 && code < 300) || endpoint.accepts(code)) {
          try {
            return endpoint.handle(response);
          } catch (RegistryException | DigestMismatchException e) {
            throw e;
          } catch (IOException e) {
            // The body broke off mid-way: same as a connection error.
            if (mayRetry) {
              pause(retry.backoff(attempt, random), context);
              continue;
            }
            throw unavailable(context, e, attempt);
          }
        }
        if (mayRetry && (code == 429 || code >= 500)) {
          Duration wait = retry.backoff(attempt, random);
          Optional<Duration> retryAfter = retryAfter(response);
          if (retryAfter.isPresent() && (code == 429 || code == 503)) {
            if (retryAfter.get().compareTo(retry.maxRetryAfter()) > 0) {
              throw toException(response, context, endpoint);
            }
            wait = retryAfter.get();
          }
          drain(response);
          pause(wait, context);
          continue;
        }
        throw toException(response, context, endpoint);
      }
    }
  }

  private Response exchange(RegistryEndpoint<?> endpoint, RegistryFailure context)
      throws IOException {
    Request.Builder builder =
        new Request.Builder().url(endpoint.url(base)).method(endpoint.method(), endpoint.body());
    endpoint.addHeaders(builder);
    Request request = builder.build();
    Optional<String> authorization = auth.authorizationFor(endpoint.scope());
    Request current =
        authorization
            .map(a -> request.newBuilder().header("Authorization", a).build())
            .orElse(request);
    Response response = execute(current, endpoint);
    if (response.code() == 401 && sameOrigin(current.url())) {
      List<String> challenges = response.headers("WWW-Authenticate");
      response.close();
      String header = auth.respondTo(challenges, endpoint.scope());
      current = current.newBuilder().header("Authorization", header).build();
      response = execute(current, endpoint);
    }
    int hops = 0;
    while (endpoint.followRedirects() && isRedirect(response.code())) {
      String location = response.header("Location");
      response.close();
      HttpUrl target = location == null ? null : current.url().resolve(location);
      if (target == null) {
        throw new RegistryProtocolException(
            context.withStatus(response.code(), List.of()),
            "redirect without a usable Location header (" + location + ")");
      }
      if (++hops > MAX_REDIRECTS) {
        throw new RegistryProtocolException(
            context, "more than " + MAX_REDIRECTS + " redirects, last to " + redact(target));
      }
      Request.Builder next = current.newBuilder().url(target).removeHeader("Authorization");
      // Storage hosts get presigned URLs; our registry credentials stay with the registry.
      String sent = current.header("Authorization");
      if (sent != null && sameOrigin(target) && sameOrigin(current.url())) {
        next.header("Authorization", sent);
      }
      current = next.build();
      response = execute(current, endpoint);
    }
    return response;
  }

  private Response execute(Request request, RegistryEndpoint<?> endpoint) throws IOException {
    counters.countRequest();
    RequestBody body = request.body();
    if (body != null && body.contentLength() > 0) {
      counters.countUploaded(body.contentLength());
    }
    Call call = http.newCall(request);
    if (!endpoint.transfersBlob()) {
      call.timeout().timeout(timeouts.call().toMillis(), TimeUnit.MILLISECONDS);
    }
    return call.execute();
  }

  private boolean sameOrigin(HttpUrl url) {
    return url.scheme().equals(base.scheme())
        && url.host().equalsIgnoreCase(base.host())
        && url.port() == base.port();
  }

  private static boolean isRedirect(int code) {
    return code == 301 || code == 302 || code == 303 || code == 307 || code == 308;
  }

  /** GETs a token URL for {@link RegistryAuthenticator}: same timeouts, retries and counters. */
  private byte[] fetchToken(URI tokenUrl, Optional<String> authorization) throws IOException {
    HttpUrl url = HttpUrl.get(tokenUrl.toString());
    if (!url.isHttps()
        && authorization.isPresent()
        && !RegistryAddress.isLoopback(url.host())
        && !(address.plainHttp() && url.host().equalsIgnoreCase(base.host()))) {
      throw new AuthenticationException(
          "refusing to send credentials for registry "
              + address.name()
              + " to a plain-HTTP token server "
              + url.host());
    }
    Request.Builder builder = new Request.Builder().url(url).get();
    authorization.ifPresent(a -> builder.header("Authorization", a));
    Request request = builder.build();
    for (int attempt = 1; ; attempt++) {
      counters.countRequest();
      Call call = http.newCall(request);
      call.timeout().timeout(timeouts.call().toMillis(), TimeUnit.MILLISECONDS);
      try (Response response = call.execute()) {
        int code = response.code();
        byte[] body =
            response.body() == null
                ? new byte[0]
                : response.body().byteStream().readNBytes(TOKEN_BODY_LIMIT);
        counters.countDownloaded(body.length);
        if (code == 200) {
          return body;
        }
        String user =
            credentials
                .credentialsFor(address.name())
                .map(c -> "user " + c.username())
                .orElse("anonymous access");
        if (code == 401 || code == 403) {
          throw new AuthenticationException(
              "token server " + url.host() + " refused " + user + " (HTTP " + code + ")");
        }
        if ((code == 429 || code >= 500) && attempt < retry.maxAttempts()) {
          sleepQuietly(retry.backoff(attempt, random));
          continue;
        }
        throw new AuthenticationException(
            "token server " + url.host() + " answered HTTP " + code + " for " + user);
      } catch (AuthenticationException e) {
        throw e;
      } catch (IOException e) {
        if (attempt < retry.maxAttempts()) {
          sleepQuietly(retry.backoff(attempt, random));
          continue;
        }
        throw new IOException("token server " + url.host() + " unreachable: " + e.getMessage(), e);
      }
    }
  }

  private void sleepQuietly(Duration d) throws InterruptedIOException {
    counters.countRetry();
    try {
      sleeper.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting to retry");
    }
  }

  private void pause(Duration d, RegistryFailure context) throws RegistryException {
    try {
      sleepQuietly(d);
    } catch (InterruptedIOException e) {
      throw new RegistryUnavailableException(context, "interrupted while waiting to retry", e);
    }
  }

  private static RegistryUnavailableException unavailable(
      RegistryFailure context, IOException e, int attempts) {
    String what =
        e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    return new RegistryUnavailableException(
        context, "no answer (" + what + ") after " + attempts + " attempt(s)", e);
  }

  private static void drain(RegistryResponse response) {
    try {
      response.bytes(ERROR_BODY_LIMIT);
    } catch (IOException ignored) {
      // The connection is dropped instead of reused; nothing else to do.
    }
  }

  /** Turns a refused or failed answer into the matching exception. */
  private RegistryException toException(
      RegistryResponse response, RegistryFailure context, RegistryEndpoint<?> endpoint) {
    int code = response.code();
    byte[] body;
    try {
      body = response.bytes(ERROR_BODY_LIMIT);
    } catch (IOException e) {
      body = new byte[0];
    }
    List<String> codes = new ArrayList<>();
    List<String> messages = new ArrayList<>();
    parseErrors(body, codes, messages);
    RegistryFailure f = context.withStatus(code, codes);
    String reason = messages.isEmpty() ? snippet(body) : String.join("; ", messages);
    switch (code) {
      case 401:
        String who =
            credentials
                .credentialsFor(address.name())
                .map(c -> "credentials of user " + c.username() + " were refused")
                .orElse("anonymous access refused and no credentials configured");
        return new RegistryUnauthorizedException(
            f, who + (reason.isEmpty() ? "" : " (" + reason + ")"));
      case 403:
        return new RegistryForbiddenException(f, reason.isEmpty() ? "access denied" : reason);
      case 404:
        String missing = reason.isEmpty() ? "not found" : reason;
        return switch (endpoint.subject()) {
          case MANIFEST -> new ManifestUnknownException(f, missing);
          case BLOB -> new BlobUnknownException(f, missing);
          case OTHER -> new RegistryNotFoundException(f, missing);
        };
      case 429:
        return new RegistryRateLimitedException(
            f, reason.isEmpty() ? "too many requests" : reason, retryAfter(response).orElse(null));
      default:
        if (code >= 500) {
          return new RegistryServerException(f, reason.isEmpty() ? "server error" : reason);
        }
        return new RegistryProtocolException(
            f, "unexpected answer" + (reason.isEmpty() ? "" : ": " + reason));
    }
  }

  private static void parseErrors(byte[] body, List<String> codes, List<String> messages) {
    if (body.length == 0 || body[0] != '{') {
      return;
    }
    try {
      JsonNode errors = JSON.readTree(body).get("errors");
      if (errors != null && errors.isArray()) {
        for (JsonNode e : errors) {
          if (e.hasNonNull("code")) {
            codes.add(e.get("code").asText());
          }
          if (e.hasNonNull("message")) {
            messages.add(e.get("message").asText());
          }
        }
      }
    } catch (IOException ignored) {
      // Not the documented error format; the raw snippet is used instead.
    }
  }

  private static String snippet(byte[] body) {
    String s = new String(body, StandardCharsets.UTF_8).strip().replaceAll("\\s+", " ");
    return s.length() > 200 ? s.substring(0, 197) + "..." : s;
  }

  /** {@code Retry-After} as delta-seconds or HTTP date. */
  static Optional<Duration> retryAfter(RegistryResponse response) {
    String v = response.header("Retry-After");
    if (v == null || v.isBlank()) {
      return Optional.empty();
    }
    v = v.trim();
    try {
      return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(v))));
    } catch (NumberFormatException e) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
        Duration d = Duration.between(ZonedDateTime.now(at.getZone()), at);
        return Optional.of(d.isNegative() ? Duration.ZERO : d);
      } catch (DateTimeParseException e2) {
        return Optional.empty();
      }
    }
  }

  /** A URL without its query string, which may hold presigned credentials. */
  static String redact(HttpUrl url) {
    return url.newBuilder().query(null).build().toString();
  }
}
