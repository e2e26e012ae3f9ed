package dev.tracefetch.replayer.cli;

import dev.tracefetch.cli.Cli;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

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
      DaemonCommand.class,
      UmountCommand.class,
      ClearCacheCommand.class,
      PrefetchAllCommand.class,
      HookCommand.class,
      StatsCommand.class
    })
public final class ReplayerCommand implements Callable<Integer> {

  @Override
  public Integer call() {
    CommandLine.usage(this, System.err);
    return 2;
  }

  public static void main(String[] args) {
    System.exit(Cli.execute(new ReplayerCommand(), args));
  }
}
