package dev.tracefetch.replayer.cli;

import dev.tracefetch.cli.ExitCodes;
import dev.tracefetch.fs.fuse.Mount;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code replayer umount}: releases a mount, including one left behind by a node process that was
 * killed (the documented recovery path).
 */
@Command(
    name = "umount",
    mixinStandardHelpOptions = true,
    description = "Unmount MOUNTPOINT (also a stale mount of a killed replayer).")
final class UmountCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "MOUNTPOINT")
  Path mountPoint;

  @Option(names = "--lazy", description = "Detach now even if files are still open (umount -l).")
  boolean lazy;

  @Override
  public Integer call() throws Exception {
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
