package dev.tracefetch.builder.cli;

import dev.tracefetch.builder.plan.PlanSource;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Where a command's plan comes from: {@code --trace FILE ...} or {@code --store URL --app NAME
 * [--token T]}. Shared by every command that builds a plan.
 */
final class TraceSourceOptions {
  @Option(
      names = "--trace",
      paramLabel = "FILE",
      arity = "1..*",
      description = "Trace file(s) recorded on the image (or on an earlier image of the app).")
  List<Path> traces = new ArrayList<>();

  @Option(
      names = "--store",
      paramLabel = "URL",
      description = "Trace store to fetch the app's replay plan from, e.g. http://store:8080.")
  String store;

  @Option(
      names = "--app",
      paramLabel = "NAME",
      description = "Application name (required with --store; checked against trace files).")
  String app;

  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      description = "Bearer token for the trace store (default: $TRACE_STORE_TOKEN).")
  String token;

  @Option(
      names = "--recorded-on",
      paramLabel = "DIGEST",
      description =
          "With --store: image (manifest digest) whose plan to map onto --image when the store"
              + " has none for it; repeatable.")
  List<String> recordedOn = new ArrayList<>();

  /**
   * The source named on the command line.
   *
   * @throws IllegalArgumentException for a missing, conflicting or malformed choice (usage error)
   */
  PlanSource source() {
    boolean haveTraces = !traces.isEmpty();
    boolean haveStore = store != null;
    if (haveTraces == haveStore) {
      throw new IllegalArgumentException(
          haveTraces
              ? "give either --trace FILE ... or --store URL --app NAME, not both"
              : "no traces: give --trace FILE ... or --store URL --app NAME");
    }
    if (haveTraces) {
      if (!recordedOn.isEmpty()) {
        throw new IllegalArgumentException(
            "--recorded-on is for --store; trace files name the image they were recorded on");
      }
      return new PlanSource.TraceFiles(traces, app);
    }
    if (app == null || app.isBlank()) {
      throw new IllegalArgumentException("--store needs --app NAME");
    }
    URI url;
    try {
      url = new URI(store);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("--store " + store + " is not a URL: " + e.getMessage());
    }
    if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
      throw new IllegalArgumentException(
          "--store " + store + " must be an http:// or https:// URL");
    }
    String t = token != null ? token : System.getenv("TRACE_STORE_TOKEN");
    for (String d : recordedOn) {
      if (!d.matches("sha256:[0-9a-f]{64}")) {
        throw new IllegalArgumentException("--recorded-on " + d + " is not a sha256: digest");
      }
    }
    return new PlanSource.Store(url, app, t);
  }
}
