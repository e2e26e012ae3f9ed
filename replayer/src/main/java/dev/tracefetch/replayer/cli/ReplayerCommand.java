package dev.tracefetch.replayer.cli;

import dev.tracefetch.cli.Cli;
import dev.tracefetch.cli.NotYetImplemented;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * Entry point of {@code bin/replayer}: the node-side process that mounts an image lazily and
 * prefetches what the application is about to read.
 */
@Command(
    name = "replayer",
    mixinStandardHelpOptions = true,
    version = "replayer 0.1.0",
    description = "Mount images lazily and replay start-up traces on the node.",
    subcommands = {
      MountCommand.class,
      UmountCommand.class,
      PrefetchAllCommand.class,
      ReplayerCommand.Hook.class,
      ReplayerCommand.Stats.class
    })
public final class ReplayerCommand implements Callable<Integer> {

  @Override
  public Integer call() {
    CommandLine.usage(this, System.err);
    return 2;
  }

  /** OCI runtime createRuntime hook that triggers replay for a starting container. */
  @Command(name = "hook", mixinStandardHelpOptions = true, description = "OCI createRuntime hook.")
  static final class Hook implements Callable<Integer> {
    @Override
    public Integer call() {
      return NotYetImplemented.report("replayer hook");
    }
  }

  /** Prints prefetch and cache metrics of one mount. */
  @Command(
      name = "stats",
      mixinStandardHelpOptions = true,
      description = "Show metrics of MOUNTPOINT.")
  static final class Stats implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MOUNTPOINT")
    String mountpoint;

    @Override
    public Integer call() {
      return NotYetImplemented.report("replayer stats");
    }
  }

  public static void main(String[] args) {
    System.exit(Cli.execute(new ReplayerCommand(), args));
  }
}
