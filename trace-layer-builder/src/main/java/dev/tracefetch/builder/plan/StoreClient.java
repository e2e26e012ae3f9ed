package dev.tracefetch.builder.plan;

import dev.tracefetch.api.files.ReadLimits;
import dev.tracefetch.api.files.ReplayFiles;
import dev.tracefetch.api.v1.ReplayPlan;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Fetches an app's replay plan for one image from the trace store's REST API ({@code GET
 * /api/v1/apps/{app}/images/{digest}/plan}, protobuf replay file), so builder commands can ship the
 * plan the store merged from many recordings instead of a single trace.
 */
public final class StoreClient {
  static final String PLAN_MEDIA_TYPE = "application/x-protobuf";

  private final URI base;
  private final String token;
  private final HttpClient http;
  private final Duration timeout;

  public StoreClient(URI base, String token, Duration timeout) {
    this.base = Objects.requireNonNull(base, "base");
    if (!"http".equals(base.getScheme()) && !"https".equals(base.getScheme())) {
      throw new IllegalArgumentException(
          "store URL " + base + " must be http:// or https://, e.g. http://trace-store:8080");
    }
    this.token = token == null || token.isBlank() ? null : token;
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
  }

  /**
   * The current plan of {@code app} for the image {@code manifestDigest}, or empty when the store
   * has none (unknown app or image, or no plan yet).
   *
   * @throws PlanBuildException when the store refuses the request or answers with something that is
   *     not a replay file
   */
  public Optional<ReplayPlan> fetchPlan(String app, String manifestDigest)
      throws IOException, PlanBuildException {
    URI uri = planUri(app, manifestDigest);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", PLAN_MEDIA_TYPE).GET();
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    HttpResponse<byte[]> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while fetching the plan from " + uri);
    } catch (IOException e) {
      throw new IOException("cannot reach the trace store at " + uri + ": " + e, e);
    }
    int status = response.statusCode();
    if (status == 404) {
      return Optional.empty();
    }
    if (status == 401 || status == 403) {
      throw new PlanBuildException(
          "the trace store refused GET "
              + uri
              + " with "
              + status
              + (token == null ? " (no --token given)" : " (check the --token and its scope)")
              + detail(response));
    }
    if (status != 200) {
      throw new PlanBuildException(
          "the trace store answered GET " + uri + " with " + status + detail(response));
    }
    try {
      return Optional.of(ReplayFiles.read(response.body(), ReadLimits.defaults()));
    } catch (IOException e) {
      throw new PlanBuildException(
          "the trace store's answer to GET " + uri + " is not a replay file: " + e.getMessage(), e);
    }
  }

  URI planUri(String app, String manifestDigest) {
    String root = base.toString().replaceAll("/+$", "");
    return URI.create(
        root
            + "/api/v1/apps/"
            + URLEncoder.encode(app, StandardCharsets.UTF_8).replace("+", "%20")
            + "/images/"
            + URLEncoder.encode(manifestDigest, StandardCharsets.UTF_8).replace("%3A", ":")
            + "/plan");
  }

  private static String detail(HttpResponse<byte[]> response) {
    String body = new String(response.body(), StandardCharsets.UTF_8).strip();
    if (body.isEmpty()) {
      return "";
    }
    return ": " + (body.length() > 300 ? body.substring(0, 300) + "..." : body);
  }
}
