package dev.tracefetch.recorder.sandbox;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line that runs a {@link SandboxSpec} in a container-like sandbox whose root is a
 * writable overlay of a read-only lazy mount. Bubblewrap 0.8 cannot make overlays itself, so the
 * command first enters a private mount namespace ({@code unshare}) in which a shell mounts a tmpfs
 * and the overlay and then execs {@code bwrap}: the overlay and tmpfs live only in that namespace
 * and vanish with its last process, so nothing stays mounted on the host even if the recorder is
 * killed.
 */
public final class BwrapCommand {
  private static final String SETUP =
      "set -e; mount -t tmpfs -o mode=0755 tracefetch-sandbox \"$1\"; "
          + "mkdir \"$1/upper\" \"$1/work\" \"$1/root\"; "
          + "mount -t overlay overlay -o \"lowerdir=$2,upperdir=$1/upper,workdir=$1/work\" "
          + "\"$1/root\"; shift 2; exec \"$@\"";

  private BwrapCommand() {}

  /**
   * @param lower the lazy mount (overlay lower dir)
   * @param scratch an empty host directory, covered by a tmpfs inside the namespace
   */
  public static List<String> build(SandboxSpec spec, Path lower, Path scratch) {
    String s = scratch.toAbsolutePath().toString();
    String l = lower.toAbsolutePath().toString();
    for (String p : List.of(s, l)) {
      if (p.contains(",") || p.contains(":")) {
        throw new IllegalArgumentException("overlay paths cannot contain ',' or ':': " + p);
      }
    }
    List<String> cmd = new ArrayList<>();
    cmd.addAll(
        List.of("unshare", "--mount", "--propagation", "private", "--", "/bin/sh", "-c", SETUP));
    cmd.addAll(List.of("tracefetch-sandbox", s, l));
    cmd.add("bwrap");
    cmd.addAll(List.of("--bind", s + "/root", "/"));
    cmd.addAll(List.of("--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"));
    cmd.addAll(List.of("--unshare-pid", "--unshare-ipc", "--unshare-uts", "--die-with-parent"));
    if (spec.uid().isPresent()) {
      cmd.addAll(List.of("--unshare-user", "--uid", Integer.toString(spec.uid().getAsInt())));
      cmd.addAll(List.of("--gid", Integer.toString(spec.gid().orElse(spec.uid().getAsInt()))));
    }
    cmd.add("--clearenv");
    for (String e : spec.env()) {
      int eq = e.indexOf('=');
      cmd.addAll(List.of("--setenv", e.substring(0, eq), e.substring(eq + 1)));
    }
    cmd.addAll(List.of("--chdir", spec.workdir()));
    cmd.add("--");
    cmd.addAll(spec.argv());
    return List.copyOf(cmd);
  }
}
