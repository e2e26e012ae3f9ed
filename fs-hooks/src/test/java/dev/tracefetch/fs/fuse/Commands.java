package dev.tracefetch.fs.fuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs system commands for the integration tests. */
final class Commands {
  private Commands() {}

  /** Exit code and combined output of one command. */
  record Result(int exit, String output) {}

  static Result run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("timed out: " + command);
    }
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  /** Runs {@code command} and fails the test unless it exits 0. */
  static String ok(String... command) throws IOException, InterruptedException {
    Result r = run(List.of(command));
    assertThat(r.exit()).as("%s:%n%s", String.join(" ", command), r.output()).isZero();
    return r.output();
  }

  /** Unmounts quietly; used in cleanup paths. */
  static void umount(Path p) {
    try {
      Result r = run(List.of("umount", p.toString()));
      if (r.exit() != 0) {
        run(List.of("umount", "-l", p.toString()));
      }
    } catch (IOException | InterruptedException e) {
      // cleanup best effort; the next assertion or test reports leftovers
    }
  }

  static void assumeRoot() {
    assumeTrue("root".equals(System.getProperty("user.name")), "needs root for mount/bwrap");
  }
}
