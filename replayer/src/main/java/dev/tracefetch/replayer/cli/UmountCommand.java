package dev.tracefetch.replayer.cli;

import dev.tracefetch.cli.ExitCodes;
import dev.tracefetch.fs.fuse.Mount;
import dev.tracefetch.replayer.control.ControlException;
import dev.tracefetch.replayer.daemon.DaemonClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code replayer umount}: releases a mount: asks the node daemon if one serves it, else unmounts
 * directly (also a mount left behind by a node process that was killed, the documented recovery
 * path).
 */
@Command(
    name = "umount",
    mixinStandardHelpOptions = true,
    description =
        "Unmount MOUNTPOINT (a daemon-served one, also a stale mount of a killed replayer).")
final class UmountCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "MOUNTPOINT")
  Path mountPoint;

  @Option(names = "--lazy", description = "Detach now even if files are still open (umount -l).")
  boolean lazy;

  @Option(
      names = "--daemon-socket",
      paramLabel = "PATH",
      description = "Node daemon to ask first (default: ${DEFAULT-VALUE}).",
      defaultValue = "/run/tracefetch/replayer.sock")
  Path daemonSocket = DaemonClient.DEFAULT_SOCKET;

  @Override
  public Integer call() throws Exception {
    if (!lazy && Files.exists(daemonSocket)) {
      try (DaemonClient client = DaemonClient.connect(daemonSocket)) {
        if (client.unmount(mountPoint.toAbsolutePath(), Duration.ofSeconds(30))) {
          return ExitCodes.OK;
        }
      } catch (ControlException e) {
        System.err.println(
            "replayer umount: the daemon did not release it (" + e.getMessage() + "); unmounting");
      }
    }
    boolean detachedLazily = Mount.unmount(mountPoint, lazy);
    if (detachedLazily && !lazy) {
      System.err.println(
          "replayer umount: "
              + mountPoint
              + " was busy; detached lazily (freed when last file closes)");
    }
    return ExitCodes.OK;
  }
}
