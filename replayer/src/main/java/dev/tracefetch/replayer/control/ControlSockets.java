package dev.tracefetch.replayer.control;

import dev.tracefetch.oci.image.Digest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the control socket of a mount lives: {@code <dir>/<16 hex of sha256(mount point)>.sock}, so
 * that the hook and {@code replayer stats} find a mount's replayer from the mount point alone,
 * without a registry of running processes, and a path of any length maps to a short socket name
 * (Unix socket paths are limited to 107 bytes).
 */
public final class ControlSockets {
  /** Default directory of control sockets (tmpfs, gone after reboot like the mounts). */
  public static final Path DEFAULT_DIR = Path.of("/run/tracefetch");

  private ControlSockets() {}

  /** The socket of the mount at {@code mountPoint} (canonicalised with {@link #canonical}). */
  public static Path forMountPoint(Path dir, Path mountPoint) {
    String key = Digest.ofUtf8(canonical(mountPoint).toString()).hex().substring(0, 16);
    return dir.resolve(key + ".sock");
  }

  /**
   * The absolute, normalised path with symbolic links resolved where the path exists, so {@code
   * /mnt/app}, {@code /mnt/./app/} and a symlink to it name the same mount.
   */
  public static Path canonical(Path mountPoint) {
    Path abs = mountPoint.toAbsolutePath().normalize();
    try {
      return abs.toRealPath();
    } catch (IOException | SecurityException e) {
      return abs;
    }
  }

  /** Whether {@code path} exists as a socket file (not following symlinks). */
  static boolean isSocketFile(Path path) {
    try {
      var attrs =
          Files.readAttributes(
              path,
              java.nio.file.attribute.BasicFileAttributes.class,
              java.nio.file.LinkOption.NOFOLLOW_LINKS);
      return attrs.isOther();
    } catch (IOException e) {
      return false;
    }
  }
}
