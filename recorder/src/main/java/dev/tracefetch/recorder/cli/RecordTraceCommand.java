package dev.tracefetch.recorder.cli;

import dev.tracefetch.cli.Cli;
import dev.tracefetch.cli.NotYetImplemented;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Entry point of {@code bin/record-trace}: records which files and chunks an application start
 * reads, so that later starts can prefetch them in order.
 */
@Command(
    name = "record-trace",
    mixinStandardHelpOptions = true,
    version = "record-trace 0.1.0",
    description = "Record an application's start-up accesses on a lazily mounted image.",
    subcommands = {RecordTraceCommand.Flush.class})
public final class RecordTraceCommand implements Callable<Integer> {

  @Option(names = "--image", description = "Image reference to run.", paramLabel = "REF")
  String image;

  @Option(
      names = "--app",
      description = "Application name the trace belongs to.",
      paramLabel = "NAME")
  String app;

  @Option(
      names = "--ready",
      description = "Readiness: exit | log:REGEX | tcp:PORT | http:URL (default: exit).",
      defaultValue = "exit")
  String ready;

  @Option(
      names = "--timeout",
      description = "Give up after this long (default: 60s).",
      defaultValue = "60s")
  String timeout;

  @Option(
      names = "--grace",
      description = "Keep recording this long after readiness (default: 2s).",
      defaultValue = "2s")
  String grace;

  @Option(names = "--env", description = "Extra environment variable K=V (repeatable).")
  List<String> env;

  @Option(names = "--workdir", description = "Working directory inside the sandbox.")
  String workdir;

  @Option(names = "--user", description = "UID:GID to run as.")
  String user;

  @Option(names = "--out", description = "Write the trace file here.")
  String out;

  @Option(names = "--upload", description = "Upload the trace to this trace-store URL.")
  String upload;

  @Option(names = "--token", description = "Bearer token for --upload.")
  String token;

  @Option(
      names = "--cache",
      description = "Chunk cache directory (default: a private temporary one).")
  String cache;

  @Option(names = "--json", description = "Print the summary as JSON.")
  boolean json;

  @Parameters(description = "Command and arguments (default: the image's entrypoint and cmd).")
  List<String> command;

  @Override
  public Integer call() {
    return NotYetImplemented.report("record-trace");
  }

  /** Re-sends traces kept in the local spool after a failed upload. */
  @Command(name = "flush", mixinStandardHelpOptions = true, description = "Re-send spooled traces.")
  static final class Flush implements Callable<Integer> {
    @Override
    public Integer call() {
      return NotYetImplemented.report("record-trace flush");
    }
  }

  public static void main(String[] args) {
    System.exit(Cli.execute(new RecordTraceCommand(), args));
  }
}
