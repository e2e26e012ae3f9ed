package dev.tracefetch.replayer.discovery;

import dev.tracefetch.api.files.ReplayFiles;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The trace store's current plan for (app, image): {@code GET
 * /api/v1/apps/{app}/images/{digest}/plan} with {@code Accept: application/x-protobuf}, which
 * answers with a replay file. REST rather than gRPC keeps the node free of a second HTTP/2 client
 * stack for one request; every request is bounded by the timeout, and a 404 just means no plan.
 */
final class TraceStoreLookup implements PlanLookup {
  static final String PROTOBUF = "application/x-protobuf";

  private final Duration timeout;
  private final HttpClient http;

  TraceStoreLookup(Duration timeout) {
    this.timeout = timeout;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  @Override
  public LookupResult find(MountedImage image, PlanQuery query) throws IOException {
    if (query.storeUrl() == null) {
      return LookupResult.absent("no trace store given");
    }
    if (query.app() == null) {
      return LookupResult.absent("no app name given for the trace store");
    }
    // The image's own location lets the store map a plan recorded on an older image of the app
    // onto this one when it has no traces of it yet (it reads this image's TOCs from there).
    URI uri =
        planUri(
            query.storeUrl(),
            query.app(),
            image.manifestDigest().toString(),
            image.reference().withDigest(image.manifestDigest()).toString());
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", PROTOBUF).GET();
    if (query.token() != null) {
      request.header("Authorization", "Bearer " + query.token());
    }
    HttpResponse<InputStream> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (HttpTimeoutException e) {
      throw new IOException("trace store " + uri + " did not answer within " + timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while asking trace store " + uri, e);
    } catch (IOException e) {
      throw new IOException("cannot reach trace store " + uri + ": " + e, e);
    }
    try (InputStream body = response.body()) {
      int status = response.statusCode();
      if (status == 404) {
        return LookupResult.absent(
            "trace store has no plan for app '" + query.app() + "' and " + image.manifestDigest());
      }
      if (status != 200) {
        throw new IOException("trace store " + uri + " answered HTTP " + status + describe(status));
      }
      String type = response.headers().firstValue("Content-Type").orElse("");
      if (!type.startsWith(PROTOBUF)) {
        throw new IOException(
            "trace store " + uri + " answered with '" + type + "', expected " + PROTOBUF);
      }
      byte[] bytes =
          BoundedBlobs.readAtMost(body, PlanDiscovery.MAX_PLAN_BYTES, "plan from " + uri);
      try {
        return LookupResult.found(
            ReplayFiles.read(bytes, PlanDiscovery.READ_LIMITS), "store:" + uri);
      } catch (IOException e) {
        throw new IOException("plan from " + uri + ": " + e.getMessage(), e);
      }
    }
  }

  static URI planUri(URI base, String app, String digest, String imageReference) {
    String root = base.toString();
    while (root.endsWith("/")) {
      root = root.substring(0, root.length() - 1);
    }
    return URI.create(
        root
            + "/api/v1/apps/"
            + segment(app)
            + "/images/"
            + segment(digest)
            + "/plan?image_reference="
            + URLEncoder.encode(imageReference, StandardCharsets.UTF_8));
  }

  private static String segment(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20").replace("%3A", ":");
  }

  private static String describe(int status) {
    return switch (status) {
      case 401 -> " (unauthorized: give a token with --token)";
      case 403 -> " (forbidden: the token lacks the read scope)";
      default -> "";
    };
  }
}
