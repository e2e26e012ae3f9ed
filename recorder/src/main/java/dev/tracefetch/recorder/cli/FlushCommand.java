package dev.tracefetch.recorder.cli;

import dev.tracefetch.cli.ExitCodes;
import dev.tracefetch.cli.JsonOutput;
import dev.tracefetch.recorder.upload.TraceDelivery;
import dev.tracefetch.recorder.upload.TraceSpool;
import dev.tracefetch.recorder.upload.TraceUploader;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code record-trace flush}: re-sends the traces kept in the spool after failed uploads. Each
 * leaves the spool only once the store confirmed it; a trace the store already has counts as
 * delivered (uploads are idempotent by content digest), so flushing twice never duplicates.
 */
@Command(
    name = "flush",
    mixinStandardHelpOptions = true,
    description = "Re-send spooled traces to the trace store; delivered ones leave the spool.")
final class FlushCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--upload", required = true, description = "Trace-store URL.")
  URI upload;

  @Option(names = "--token", required = true, description = "Bearer token (upload scope).")
  String token;

  @Option(
      names = "--spool",
      paramLabel = "DIR",
      description = "Spool directory (default: ${DEFAULT-VALUE}).",
      defaultValue = "/var/spool/tracefetch/traces")
  Path spool;

  @Option(names = "--json", description = "Print the result as JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<TraceDelivery.Delivery> results;
    try (TraceUploader uploader = new TraceUploader(upload, token, Duration.ofSeconds(30))) {
      results = new TraceDelivery(uploader, new TraceSpool(spool)).flush();
    } catch (IllegalArgumentException e) {
      err.println("record-trace flush: " + e.getMessage());
      return ExitCodes.USAGE;
    }
    int delivered = 0;
    List<Map<String, Object>> rows = new ArrayList<>();
    for (TraceDelivery.Delivery d : results) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("contentDigest", d.digest());
      row.put("delivered", d.delivered());
      if (d.delivered()) {
        delivered++;
        row.put("duplicate", d.result().duplicate());
      } else {
        row.put("spooled", d.spooled().toString());
        row.put("error", d.error().getMessage());
        err.println(
            "record-trace flush: " + d.error().getMessage() + " (kept " + d.spooled() + ")");
      }
      rows.add(row);
    }
    int left = results.size() - delivered;
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("delivered", delivered);
      m.put("remaining", left);
      m.put("traces", rows);
      JsonOutput.print(out, m);
    } else {
      out.printf("%d trace(s) delivered, %d still spooled in %s%n", delivered, left, spool);
      out.flush();
    }
    return left == 0 ? ExitCodes.OK : ExitCodes.FAILURE;
  }
}
