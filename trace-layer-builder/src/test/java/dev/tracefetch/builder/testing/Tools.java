package dev.tracefetch.builder.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real tools (tar, skopeo, umoci) that must accept what the converter produces. */
public final class Tools {
  private Tools() {}

  /** Exit code and merged stdout/stderr of a finished tool. */
  public record Result(int exitCode, String output) {}

  public static Result run(String... command) throws IOException, InterruptedException {
    Path log = Files.createTempFile("tool-", ".log");
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      if (!p.waitFor(180, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("timed out: " + String.join(" ", command));
      }
      return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(log);
    }
  }

  /** Runs {@code command}, failing the test with its output unless it exits 0. */
  public static String ok(String... command) throws IOException, InterruptedException {
    Result r = run(command);
    assertThat(r.exitCode())
        .as("exit code of %s; output:%n%s", String.join(" ", command), r.output())
        .isZero();
    return r.output();
  }

  /** skopeo with a policy that accepts everything, independent of /etc/containers. */
  public static String skopeo(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("skopeo", "--insecure-policy"));
    cmd.addAll(List.of(args));
    return ok(cmd.toArray(String[]::new));
  }

  /** umoci; unpacking as a non-root user needs {@code --rootless}. */
  public static String umoci(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("umoci"));
    cmd.addAll(List.of(args));
    if (args[0].equals("unpack") && !"root".equals(System.getProperty("user.name"))) {
      cmd.add(2, "--rootless");
    }
    return ok(cmd.toArray(String[]::new));
  }
}
