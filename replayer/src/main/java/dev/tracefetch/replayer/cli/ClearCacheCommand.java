package dev.tracefetch.replayer.cli;

import dev.tracefetch.cli.ExitCodes;
import dev.tracefetch.fs.cache.ChunkCache;
import dev.tracefetch.replayer.control.ControlException;
import dev.tracefetch.replayer.daemon.DaemonClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code replayer clear-cache}: empties a node's chunk cache so the next start is cold again (after
 * a disk problem, to reclaim space at once, or to measure cold starts): through the node daemon,
 * which owns its cache and refuses while it serves mounts, or directly on a cache directory no
 * process is using.
 */
@Command(
    name = "clear-cache",
    mixinStandardHelpOptions = true,
    description =
        "Empty the chunk cache: the node daemon's (it must serve no mount) or a directory's.")
final class ClearCacheCommand implements Callable<Integer> {
  static final class Target {
    @Option(
        names = "--daemon-socket",
        paramLabel = "PATH",
        description = "Node daemon whose cache to clear (default: /run/tracefetch/replayer.sock).")
    Path daemonSocket;

    @Option(
        names = "--cache",
        paramLabel = "DIR",
        description = "Cache directory to clear directly (no mount may be using it).")
    Path cacheDir;
  }

  @Spec CommandSpec commandSpec;

  @ArgGroup(exclusive = true)
  Target target = new Target();

  @Override
  public Integer call() throws Exception {
    if (target.cacheDir != null) {
      if (!Files.isDirectory(target.cacheDir)) {
        commandSpec
            .commandLine()
            .getErr()
            .println("replayer clear-cache: " + target.cacheDir + " is not a directory");
        return ExitCodes.USAGE;
      }
      try (ChunkCache cache = ChunkCache.open(target.cacheDir, Long.MAX_VALUE)) {
        commandSpec
            .commandLine()
            .getOut()
            .println(target.cacheDir + ": " + cache.clear() + " entries removed");
      }
      return ExitCodes.OK;
    }
    Path socket = target.daemonSocket == null ? DaemonClient.DEFAULT_SOCKET : target.daemonSocket;
    try (DaemonClient client = DaemonClient.connect(socket)) {
      long removed = client.clearCache(Duration.ofSeconds(60));
      commandSpec.commandLine().getOut().println("daemon cache: " + removed + " entries removed");
      return ExitCodes.OK;
    } catch (ControlException e) {
      commandSpec.commandLine().getErr().println("replayer clear-cache: " + e.getMessage());
      return ExitCodes.FAILURE;
    }
  }
}
