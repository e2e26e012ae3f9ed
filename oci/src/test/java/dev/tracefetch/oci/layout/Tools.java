package dev.tracefetch.oci.layout;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real OCI tools (umoci, skopeo) for integration tests. */
final class Tools {
  private Tools() {}

  record Result(int exitCode, String output) {}

  /** Runs {@code command}; output is stdout and stderr merged. */
  static Result run(String... command) throws IOException, InterruptedException {
    Path log = Files.createTempFile("tool-", ".log");
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("timed out: " + String.join(" ", command));
      }
      return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(log);
    }
  }

  /** Runs {@code command} and fails the test with its output unless it exits 0. */
  static String ok(String... command) throws IOException, InterruptedException {
    Result r = run(command);
    assertThat(r.exitCode())
        .as("exit code of %s; output:%n%s", String.join(" ", command), r.output())
        .isZero();
    return r.output();
  }

  /** skopeo with a policy that accepts everything, so tests do not depend on /etc/containers. */
  static String skopeo(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("skopeo", "--insecure-policy"));
    cmd.addAll(List.of(args));
    return ok(cmd.toArray(String[]::new));
  }

  /** umoci; unpacking as a non-root user needs {@code --rootless}. */
  static String umoci(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("umoci"));
    cmd.addAll(List.of(args));
    if (args[0].equals("unpack") && !"root".equals(System.getProperty("user.name"))) {
      cmd.add(2, "--rootless");
    }
    return ok(cmd.toArray(String[]::new));
  }
}
