package dev.tracefetch.replayer.cli;

import dev.tracefetch.cli.DurationConverter;
import dev.tracefetch.recorder.runtime.RuntimeRecording;
import dev.tracefetch.recorder.upload.TraceSpool;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The {@code replayer mount --record ...} options: record the accesses of whatever a real runtime
 * starts on this mount, for a window, and upload the trace (runtime recording, issue 4). A mixin so
 * that the mount command only gains one field and a few calls.
 */
public final class RecordOptions {
  @Option(
      names = "--record",
      description =
          "Record the accesses of whatever starts on this mount (needs --app, which also names"
              + " the plan to replay).")
  boolean record;

  @Option(
      names = "--record-for",
      paramLabel = "DURATION",
      description = "Recording window from the mount on (default: ${DEFAULT-VALUE}).",
      defaultValue = "60s",
      converter = DurationConverter.class)
  Duration recordFor;

  @Option(
      names = "--upload",
      paramLabel = "URL",
      description = "Trace-store URL for the trace (default: --store; the token is --token).")
  URI upload;

  @Option(
      names = "--sample",
      paramLabel = "P",
      description = "Record only this fraction of mounts, 0 < P <= 1 (default: ${DEFAULT-VALUE}).",
      defaultValue = "1.0")
  double sample;

  @Option(
      names = "--record-out",
      paramLabel = "FILE",
      description = "Also write the trace file here.")
  Path out;

  @Option(
      names = "--spool",
      paramLabel = "DIR",
      description = "Where traces wait when the store is unreachable (default: ${DEFAULT-VALUE}).",
      defaultValue = "/var/spool/tracefetch/traces")
  Path spool = TraceSpool.DEFAULT_DIR;

  /**
   * The runtime recording settings these options ask for, or null without {@code --record}. The app
   * name, the store and its token are the mount's ({@link PlanSourceOptions}): the app a node
   * replays for is the app it records for, and one token serves both directions.
   *
   * @throws IllegalArgumentException naming the option that is wrong or missing
   */
  public RuntimeRecording.Settings settings(String app, URI store, String token) {
    if (!record) {
      if (upload != null || out != null) {
        throw new IllegalArgumentException("--upload and --record-out need --record");
      }
      return null;
    }
    URI target = upload != null ? upload : store;
    return new RuntimeRecording.Settings(app, recordFor, sample, out, target, token, spool);
  }
}
