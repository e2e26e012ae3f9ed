package dev.tracefetch.replayer.control;

import dev.tracefetch.oci.image.Digest;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

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

  /**
   * Makes {@code socket} ready to be bound by a server: its absolute normalised path, within the
   * 107 bytes a Unix socket allows, its directory created 0700 if missing, and a socket file left
   * behind by a killed process removed. A socket that still answers belongs to a live process and
   * is never taken over.
   *
   * @param what names the socket in error messages, e.g. "control socket"
   * @throws IOException if the path is too long, is not a socket, or is served by a live process
   */
  public static Path claim(Path socket, String what) throws IOException {
    Path abs = socket.toAbsolutePath().normalize();
    if (abs.toString().getBytes(StandardCharsets.UTF_8).length > 107) {
      throw new IOException(
          what + " path " + abs + " is longer than the 107 bytes a Unix socket allows");
    }
    Path dir = abs.getParent();
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(
          dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    if (Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) {
      if (!isSocketFile(abs)) {
        throw new FileAlreadyExistsException(
            abs.toString(), null, "exists and is not a socket; refusing to replace it");
      }
      if (answers(abs)) {
        throw new FileAlreadyExistsException(
            abs.toString(), null, "another replayer is serving this " + what);
      }
      Files.deleteIfExists(abs);
    }
    return abs;
  }

  /** Whether something accepts connections on {@code socket}. */
  public static boolean answers(Path socket) {
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(socket));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
