package dev.tracefetch.recorder.sandbox;

import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * What runs inside the sandbox, resolved from the image config and the user's overrides the way
 * {@code docker run IMAGE [CMD]} resolves them. Kept separate from the bubblewrap command line so
 * the resolution rules can be tested without namespaces.
 *
 * @param argv entrypoint followed by arguments; never empty
 * @param env {@code K=V} entries in order, later entries win
 * @param workdir absolute working directory inside the sandbox
 * @param uid user id to run as, empty for root
 * @param gid group id to run as, empty for root
 */
public record SandboxSpec(
    List<String> argv, List<String> env, String workdir, OptionalInt uid, OptionalInt gid) {
  public SandboxSpec {
    argv = List.copyOf(argv);
    env = List.copyOf(env);
    Objects.requireNonNull(workdir, "workdir");
    Objects.requireNonNull(uid, "uid");
    Objects.requireNonNull(gid, "gid");
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("the sandbox needs a command to run");
    }
    if (!workdir.startsWith("/")) {
      throw new IllegalArgumentException(
          "working directory must be absolute, got '" + workdir + "'");
    }
    for (String e : env) {
      if (e.indexOf('=') <= 0) {
        throw new IllegalArgumentException("environment entry '" + e + "' is not K=V");
      }
    }
  }
}
