package dev.tracefetch.recorder.cli;

import dev.tracefetch.api.files.TraceFiles;
import dev.tracefetch.api.v1.Trace;
import dev.tracefetch.cli.Cli;
import dev.tracefetch.cli.DurationConverter;
import dev.tracefetch.cli.ExitCodes;
import dev.tracefetch.cli.JsonOutput;
import dev.tracefetch.oci.image.ImageReference;
import dev.tracefetch.recorder.readiness.Readiness;
import dev.tracefetch.recorder.session.Preflight;
import dev.tracefetch.recorder.session.RecordRequest;
import dev.tracefetch.recorder.session.RecordingException;
import dev.tracefetch.recorder.session.RecordingResult;
import dev.tracefetch.recorder.session.RecordingSession;
import dev.tracefetch.recorder.trace.TraceSummary;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Entry point of {@code bin/record-trace}: records which files and chunks an application start
 * reads, so that later starts can prefetch them in order.
 */
@Command(
    name = "record-trace",
    mixinStandardHelpOptions = true,
    version = "record-trace 0.1.0",
    description = {
      "Record an application's start-up accesses on a lazily mounted image.",
      "Runs the image's entrypoint/cmd (or CMD after --) in a bubblewrap sandbox on an overlay of",
      "a lazy mount with a cold private cache, until readiness plus --grace or --timeout.",
      "Needs root and /dev/fuse."
    },
    subcommands = {FlushCommand.class})
public final class RecordTraceCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--image", description = "Image reference to run.", paramLabel = "REF")
  String image;

  @Option(
      names = "--app",
      description = "Application name the trace belongs to.",
      paramLabel = "NAME")
  String app;

  @Option(
      names = "--ready",
      description =
          "Readiness: exit | log:REGEX | tcp:PORT | http:URL (default: ${DEFAULT-VALUE}).",
      defaultValue = "exit")
  String ready;

  @Option(
      names = "--timeout",
      description = "Give up after this long (default: ${DEFAULT-VALUE}).",
      defaultValue = "60s",
      converter = DurationConverter.class)
  Duration timeout;

  @Option(
      names = "--grace",
      description = "Keep recording this long after readiness (default: ${DEFAULT-VALUE}).",
      defaultValue = "2s",
      converter = DurationConverter.class)
  Duration grace;

  @Option(names = "--env", description = "Extra environment variable K=V (repeatable).")
  List<String> env = new ArrayList<>();

  @Option(names = "--workdir", description = "Working directory inside the sandbox.")
  String workdir;

  @Option(names = "--user", description = "UID[:GID] (or image user/group names) to run as.")
  String user;

  @Option(
      names = "--out",
      description = "Write the trace file here (default: ./APP.trace unless --upload is given).")
  Path out;

  @Option(names = "--upload", description = "Upload the trace to this trace-store URL.")
  URI upload;

  @Option(names = "--token", description = "Bearer token for --upload (upload scope).")
  String token;

  @Option(
      names = "--spool",
      paramLabel = "DIR",
      description =
          "Where traces that could not be uploaded wait for 'flush' (default: ${DEFAULT-VALUE}).",
      defaultValue = "/var/spool/tracefetch/traces")
  Path spool;

  @Option(
      names = "--cache",
      description = "Chunk cache directory (default: a cold private one, deleted afterwards).")
  Path cache;

  @Option(
      names = "--insecure-registry",
      paramLabel = "HOST",
      description = "Registry reached over plain HTTP (loopback registries always are).")
  List<String> insecureRegistries = new ArrayList<>();

  @Option(
      names = "--fetch-timeout",
      description =
          "A read that cannot be served within this fails with EIO (default: ${DEFAULT-VALUE}).",
      defaultValue = "30s",
      converter = DurationConverter.class)
  Duration fetchTimeout;

  @Option(
      names = "--no-record",
      hidden = true,
      description = "Run the same start without recording (baseline for bench/).")
  boolean noRecord;

  @Option(names = "--json", description = "Print the summary as JSON.")
  boolean json;

  @Parameters(
      paramLabel = "CMD",
      description = "Command and arguments after '--' (default: the image's entrypoint and cmd).")
  List<String> command = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter stdout = spec.commandLine().getOut();
    if (image == null || app == null) {
      err.println("record-trace: --image and --app are required");
      return ExitCodes.USAGE;
    }
    if (upload != null && (token == null || token.isBlank())) {
      err.println("record-trace: --upload needs --token (a trace-store token with upload scope)");
      return ExitCodes.USAGE;
    }
    Readiness readiness;
    ImageReference reference;
    try {
      readiness = Readiness.parse(ready);
      reference = ImageReference.parse(image);
    } catch (IllegalArgumentException e) {
      err.println("record-trace: " + e.getMessage());
      return ExitCodes.USAGE;
    }
    List<String> problems = Preflight.problems();
    if (!problems.isEmpty()) {
      for (String p : problems) {
        err.println("record-trace: " + p);
      }
      return ExitCodes.FAILURE;
    }
    Path target = out != null ? out : (upload == null ? Path.of(app + ".trace") : null);
    RecordRequest request;
    try {
      request =
          new RecordRequest(
              reference,
              app,
              readiness,
              timeout,
              grace,
              env,
              workdir,
              user,
              command,
              cache,
              insecureRegistries,
              Path.of(System.getProperty("java.io.tmpdir")),
              fetchTimeout,
              line -> {
                synchronized (err) {
                  err.println("| " + line);
                  err.flush();
                }
              },
              !noRecord);
    } catch (IllegalArgumentException e) {
      err.println("record-trace: " + e.getMessage());
      return ExitCodes.USAGE;
    }
    RecordingSession session = new RecordingSession(request);
    CountDownLatch done = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              session.interrupt();
              try {
                done.await(30, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "record-trace-interrupt");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      return finish(session.run(), target, stdout, err);
    } catch (RecordingException e) {
      err.println("record-trace: " + e.getMessage());
      return ExitCodes.FAILURE;
    } finally {
      done.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running: it only waits for 'done'
      }
    }
  }

  private int finish(RecordingResult result, Path target, PrintWriter stdout, PrintWriter err)
      throws Exception {
    Trace trace = result.trace();
    Map<String, Object> json = new LinkedHashMap<>();
    TraceSummary summary = TraceSummary.of(trace, result.imageFileBytes());
    json.putAll(summary.toMap());
    int exit = result.succeeded() ? ExitCodes.OK : ExitCodes.FAILURE;
    if (target != null) {
      TraceFiles.write(trace, target);
      json.put("out", target.toString());
    }
    if (upload != null) {
      try (TraceUploader uploader = new TraceUploader(upload, token, Duration.ofSeconds(30))) {
        TraceDelivery.Delivery d =
            new TraceDelivery(uploader, new TraceSpool(spool)).send(TraceFiles.toBytes(trace));
        Map<String, Object> u = new LinkedHashMap<>();
        u.put("contentDigest", d.digest());
        u.put("delivered", d.delivered());
        if (d.delivered()) {
          u.put("duplicate", d.result().duplicate());
        } else {
          u.put("spooled", d.spooled().toString());
          u.put("error", d.error().getMessage());
          err.println(
              "record-trace: "
                  + d.error().getMessage()
                  + "; the trace is kept in "
                  + d.spooled()
                  + ", send it later with 'record-trace flush --upload "
                  + upload
                  + " --token ...'");
          if (!d.error().retryable()) {
            exit = ExitCodes.FAILURE;
          }
        }
        json.put("upload", u);
      }
    }
    if (result.failure() != null) {
      json.put("failure", result.failure());
    }
    if (json.containsKey("failure")) {
      err.println(
          "record-trace: "
              + result.failure()
              + (target != null ? "; partial trace written to " + target + " (incomplete)" : ""));
    }
    if (this.json) {
      JsonOutput.print(stdout, json);
    } else {
      stdout.print(summary.toText());
      if (target != null) {
        stdout.println("trace          " + target);
      }
      if (json.get("upload") instanceof Map<?, ?> u) {
        stdout.println(
            "upload         "
                + (Boolean.TRUE.equals(u.get("delivered"))
                    ? (Boolean.TRUE.equals(u.get("duplicate")) ? "already in the store" : "stored")
                    : "spooled to " + u.get("spooled"))
                + " ("
                + u.get("contentDigest")
                + ")");
      }
      stdout.flush();
    }
    return exit;
  }

  public static void main(String[] args) {
    System.exit(Cli.execute(new RecordTraceCommand(), args));
  }
}
