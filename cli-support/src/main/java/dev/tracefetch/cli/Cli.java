package dev.tracefetch.cli;

import picocli.CommandLine;

/**
 * Runs a top-level command the way every tracefetch command runs: a failure prints one line, {@code
 * <command>: <message>} (the full stack trace only with {@code TRACEFETCH_DEBUG=1}), and exits 1;
 * usage errors exit 2.
 */
public final class Cli {
  private Cli() {}

  public static int execute(Object command, String... args) {
    return commandLine(command).execute(args);
  }

  /**
   * The command line {@link #execute} runs, for callers that redirect its output or add converters
   * first (a daemon running a forwarded command for a client).
   */
  public static CommandLine commandLine(Object command) {
    CommandLine cli = new CommandLine(command);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          String name = commandLine.getCommandSpec().qualifiedName();
          String message = e.getMessage() == null ? e.toString() : e.getMessage();
          commandLine.getErr().println(name + ": " + message);
          if ("1".equals(System.getenv("TRACEFETCH_DEBUG"))) {
            e.printStackTrace(commandLine.getErr());
          }
          return ExitCodes.FAILURE;
        });
    return cli;
  }
}
