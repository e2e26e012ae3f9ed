package dev.tracefetch.recorder.session;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks what recording needs from the host before anything is mounted, so that a missing piece is
 * reported by name (not root, no {@code /dev/fuse}, no {@code bwrap}) instead of surfacing as an
 * obscure mount or namespace error halfway through.
 */
public final class Preflight {
  private Preflight() {}

  /** The problems found, one sentence each; empty when recording can start. */
  public static List<String> problems(Path procSelfStatus, Path devFuse, List<String> tools) {
    List<String> out = new ArrayList<>();
    long uid = effectiveUid(procSelfStatus);
    if (uid != 0) {
      out.add(
          "record-trace must run as root (FUSE mounts, overlayfs and namespaces need it); running"
              + " as uid "
              + (uid < 0 ? "unknown" : uid));
    }
    if (!Files.exists(devFuse)) {
      out.add(
          devFuse
              + " does not exist: load the fuse module (modprobe fuse) or pass the device"
              + " into this container (--device /dev/fuse)");
    } else if (!Files.isReadable(devFuse) || !Files.isWritable(devFuse)) {
      out.add(devFuse + " is not readable and writable by this user");
    }
    for (String tool : tools) {
      if (findOnPath(tool) == null) {
        out.add("'" + tool + "' is not installed or not on PATH (bin/install-deps installs it)");
      }
    }
    return out;
  }

  /** The default checks: this process, /dev/fuse, bwrap, unshare and mount. */
  public static List<String> problems() {
    return problems(
        Path.of("/proc/self/status"), Path.of("/dev/fuse"), List.of("bwrap", "unshare", "mount"));
  }

  static long effectiveUid(Path status) {
    try {
      for (String line : Files.readAllLines(status)) {
        if (line.startsWith("Uid:")) {
          String[] f = line.substring(4).trim().split("\\s+");
          return Long.parseLong(f[1]);
        }
      }
    } catch (IOException | RuntimeException e) {
      // fall through
    }
    return -1;
  }

  private static Path findOnPath(String tool) {
    String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
    for (String dir : (path + ":/usr/sbin:/sbin").split(":")) {
      if (dir.isEmpty()) {
        continue;
      }
      Path p = Path.of(dir, tool);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }
}
