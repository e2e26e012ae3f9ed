package dev.tracefetch.recorder.sandbox;

import dev.tracefetch.oci.image.ImageConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Resolves the command, environment, working directory and user of a start the way {@code docker
 * run} does, so a recording sees the same start the application's owners run in production: the
 * image's entrypoint stays, a command given on the command line replaces the image's cmd, {@code
 * --env} entries override the image's, and {@code PATH} gets Docker's default when the image sets
 * none.
 */
public final class ContainerDefaults {
  /** The PATH Docker sets when an image defines none. */
  public static final String DEFAULT_PATH =
      "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  private ContainerDefaults() {}

  /** Looks up a user or group name in the image (its /etc/passwd or /etc/group). */
  public interface NameLookup {
    Optional<Integer> uid(String user);

    Optional<Integer> gid(String group);

    /** Primary group of a user id, when the image's /etc/passwd names it. */
    Optional<Integer> primaryGid(int uid);
  }

  /**
   * @param command command line override (the part after {@code --}), empty to use the image's cmd
   * @param extraEnv {@code K=V} overrides
   * @param workdir override, or null for the image's working dir (default /)
   * @param user override {@code UID[:GID]} or names, or null for the image's user
   * @throws SandboxException if no command results, or a user or group cannot be resolved
   */
  public static SandboxSpec resolve(
      ImageConfig config,
      List<String> command,
      List<String> extraEnv,
      String workdir,
      String user,
      NameLookup names)
      throws SandboxException {
    List<String> argv = new ArrayList<>(config.entrypoint());
    argv.addAll(command.isEmpty() ? config.cmd() : command);
    if (argv.isEmpty()) {
      throw new SandboxException(
          "no command to run: the image defines neither an entrypoint nor a cmd; give one after"
              + " '--'");
    }
    Map<String, String> env = new LinkedHashMap<>();
    for (String e : config.env()) {
      put(env, e, "image config");
    }
    for (String e : extraEnv) {
      put(env, e, "--env");
    }
    env.putIfAbsent("PATH", DEFAULT_PATH.substring("PATH=".length()));
    List<String> envList = new ArrayList<>();
    env.forEach((k, v) -> envList.add(k + "=" + v));
    String dir = workdir != null ? workdir : config.workingDir();
    if (dir == null || dir.isEmpty()) {
      dir = "/";
    }
    if (!dir.startsWith("/")) {
      throw new SandboxException("working directory must be absolute, got '" + dir + "'");
    }
    String u = user != null ? user : config.user();
    OptionalInt uid = OptionalInt.empty();
    OptionalInt gid = OptionalInt.empty();
    if (u != null && !u.isEmpty()) {
      String[] parts = u.split(":", 2);
      int resolvedUid = id(parts[0], names::uid, "user");
      uid = OptionalInt.of(resolvedUid);
      if (parts.length == 2) {
        gid = OptionalInt.of(id(parts[1], names::gid, "group"));
      } else {
        gid = OptionalInt.of(names.primaryGid(resolvedUid).orElse(0));
      }
    }
    return new SandboxSpec(argv, envList, dir, uid, gid);
  }

  private static void put(Map<String, String> env, String entry, String source)
      throws SandboxException {
    int eq = entry.indexOf('=');
    if (eq <= 0) {
      throw new SandboxException(
          "environment entry '" + entry + "' from " + source + " is not K=V");
    }
    env.put(entry.substring(0, eq), entry.substring(eq + 1));
  }

  private static int id(
      String value, java.util.function.Function<String, Optional<Integer>> lookup, String what)
      throws SandboxException {
    if (value.matches("\\d{1,9}")) {
      return Integer.parseInt(value);
    }
    return lookup
        .apply(value)
        .orElseThrow(
            () -> new SandboxException("unknown " + what + " '" + value + "' in the image"));
  }
}
