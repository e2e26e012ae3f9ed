package dev.tracefetch.store.cli;

import dev.tracefetch.cli.ExitCodes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * Entry point of {@code bin/trace-store}. Parses the command line before Spring starts so that
 * {@code --help} and usage errors answer at once; arguments it does not know (such as {@code
 * --server.port=8081}) are handed to Spring.
 */
@Command(
    name = "trace-store",
    mixinStandardHelpOptions = true,
    version = "trace-store 0.1.0",
    description = {
      "Central service that stores, ranks and merges start-up traces.",
      "Without a subcommand it runs the service (like 'serve'). Unknown --options are Spring"
          + " properties, e.g. --server.port=8081."
    },
    subcommands = {ServeCommand.class, TokenCommand.class, HealthCheckCommand.class})
public final class TraceStoreCommand implements Callable<Integer> {
  @Spec private CommandSpec spec;
  @Unmatched private List<String> springArgs = new ArrayList<>();

  @Override
  public Integer call() {
    return ServeCommand.serve(SpringArguments.check(spec, springArgs));
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line, shared by {@link #main} and tests. */
  public static CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(new TraceStoreCommand());
    commandLine.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          cmd.getErr().println(cmd.getCommandName() + ": " + e.getMessage());
          return ExitCodes.FAILURE;
        });
    return commandLine;
  }
}
