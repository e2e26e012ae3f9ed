package dev.tracefetch.replayer.discovery;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What plan discovery is told besides the image: the order of sources and the settings some of them
 * need. A mount has one from its command line; a control request (e.g. from the OCI hook) may
 * override parts of it with {@link #overriddenBy}.
 *
 * @param order sources to try, first match wins
 * @param replayFile replay file on the node, or null
 * @param storeUrl trace-store base URL (http or https), or null
 * @param app application name, or null
 * @param token bearer token for the store, or null; never logged
 */
public record PlanQuery(
    List<PlanSource> order, Path replayFile, URI storeUrl, String app, String token) {

  public PlanQuery {
    Objects.requireNonNull(order, "order");
    if (order.isEmpty()) {
      throw new IllegalArgumentException("the plan source order is empty");
    }
    order = List.copyOf(order);
    if (order.stream().distinct().count() != order.size()) {
      throw new IllegalArgumentException("a plan source appears twice in " + order);
    }
    if (storeUrl != null) {
      String scheme =
          storeUrl.getScheme() == null ? "" : storeUrl.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https") || storeUrl.getHost() == null) {
        throw new IllegalArgumentException(
            "trace store URL must be http:// or https:// with a host, got '" + storeUrl + "'");
      }
    }
    app = blankToNull(app);
    token = blankToNull(token);
    if (app != null && (app.length() > 253 || app.chars().anyMatch(c -> c < 0x21 || c == '/'))) {
      throw new IllegalArgumentException(
          "app name must be 1..253 printable characters without spaces or '/', got '" + app + "'");
    }
  }

  /** Default order, nothing configured: only the image itself (layer, referrer) can help. */
  public static PlanQuery defaults() {
    return new PlanQuery(PlanSource.DEFAULT_ORDER, null, null, null, null);
  }

  /**
   * This query with the non-null, non-blank arguments of a later request taking precedence. The
   * token is never overridden: only the node process's own configuration supplies credentials.
   */
  public PlanQuery overriddenBy(
      List<PlanSource> newOrder, Path newReplayFile, URI newStoreUrl, String newApp) {
    return new PlanQuery(
        newOrder == null || newOrder.isEmpty() ? order : newOrder,
        newReplayFile != null ? newReplayFile : replayFile,
        newStoreUrl != null ? newStoreUrl : storeUrl,
        blankToNull(newApp) != null ? newApp : app,
        token);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }

  @Override
  public String toString() {
    return "PlanQuery[order="
        + order
        + ", replayFile="
        + replayFile
        + ", storeUrl="
        + storeUrl
        + ", app="
        + app
        + ", token="
        + (token == null ? "none" : "set")
        + "]";
  }
}
