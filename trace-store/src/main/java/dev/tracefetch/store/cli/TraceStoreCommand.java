package dev.tracefetch.store.cli;

import dev.tracefetch.cli.NotYetImplemented;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of {@code bin/trace-store}. Parses the command line before Spring starts so that
 * {@code --help} and the token tools answer at once.
 */
@Command(
    name = "trace-store",
    mixinStandardHelpOptions = true,
    version = "trace-store 0.1.0",
    description = "Central service that stores, ranks and merges start-up traces.",
    subcommands = {TraceStoreCommand.Serve.class, TraceStoreCommand.Token.class})
public final class TraceStoreCommand implements Callable<Integer> {

  @Override
  public Integer call() {
    return new Serve().call();
  }

  /** Runs the REST and gRPC service. */
  @Command(
      name = "serve",
      mixinStandardHelpOptions = true,
      description = "Run the service (default).")
  static final class Serve implements Callable<Integer> {
    @Override
    public Integer call() {
      return NotYetImplemented.report("trace-store serve");
    }
  }

  /** Manages API tokens. */
  @Command(name = "token", mixinStandardHelpOptions = true, description = "Manage API tokens.")
  static final class Token implements Callable<Integer> {
    @Override
    public Integer call() {
      return NotYetImplemented.report("trace-store token");
    }
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new TraceStoreCommand()).execute(args));
  }
}
