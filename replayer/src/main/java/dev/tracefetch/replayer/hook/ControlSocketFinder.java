package dev.tracefetch.replayer.hook;

import dev.tracefetch.fs.fuse.MountTable;
import dev.tracefetch.replayer.control.ControlSockets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the replayer that serves a container's root file system, from paths alone: the root itself,
 * or (when the root is an overlay) each lower directory, and each of their ancestors, is looked up
 * as a mount point in the control socket directory. This costs a few hashes and stats, no network,
 * so it fits in the hook's budget.
 */
public final class ControlSocketFinder {
  /** A control socket and the mount point it was found for. */
  public record Found(Path socket, Path mountPoint) {}

  private final Path socketDir;

  public ControlSocketFinder(Path socketDir) {
    this.socketDir = socketDir;
  }

  /** The first candidate path (or ancestor) that has a control socket. */
  public Optional<Found> find(Path rootfs, MountTable mounts) {
    for (Path candidate : candidates(rootfs, mounts)) {
      for (Path p = candidate; p != null && p.getParent() != null; p = p.getParent()) {
        Path socket = ControlSockets.forMountPoint(socketDir, p);
        if (Files.exists(socket)) {
          return Optional.of(new Found(socket, p));
        }
      }
    }
    return Optional.empty();
  }

  /** The root file system, then the lower directories of an overlay mounted there. */
  static List<Path> candidates(Path rootfs, MountTable mounts) {
    List<Path> out = new ArrayList<>();
    Path root = ControlSockets.canonical(rootfs);
    out.add(root);
    out.addAll(mounts.overlayLowerDirs(root));
    if (!root.equals(rootfs.toAbsolutePath().normalize())) {
      out.addAll(mounts.overlayLowerDirs(rootfs.toAbsolutePath().normalize()));
    }
    return out;
  }
}
