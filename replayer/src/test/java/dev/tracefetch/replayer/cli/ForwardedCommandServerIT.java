package dev.tracefetch.replayer.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/replayer} forwarding a daemon request over the CLI socket with curl: the command runs
 * in the server's JVM, the launcher prints its stdout and stderr on the right streams and exits
 * with its code, relative paths resolve against the client's directory, and with no CLI socket the
 * same command runs in a JVM of its own with the same result. Only the daemon's user may connect.
 */
class ForwardedCommandServerIT {
  private static final Path LAUNCHER = Path.of("..", "bin", "replayer").toAbsolutePath();

  @TempDir Path dir;

  private final ByteArrayOutputStream serverLog = new ByteArrayOutputStream();

  @BeforeAll
  static void needsCurl() throws Exception {
    assumeTrue(
        new ProcessBuilder("curl", "--version").start().waitFor() == 0, "curl is not installed");
  }

  @Test
  void theLauncherRunsTheCommandInTheServersJvmWithItsStreamsAndExitCode() throws Exception {
    Path daemonSocket = dir.resolve("d.sock"); // no daemon serves it
    try (ForwardedCommandServer server = start(daemonSocket)) {
      assertThat(server.socket()).isEqualTo(dir.resolve("d.cli.sock"));

      // A relative path resolves against the client's directory, not the server's.
      Run clear = launch("clear-cache", "--daemon-socket", "d.sock");
      assertThat(clear.exit()).as(clear.toString()).isEqualTo(1);
      assertThat(clear.stderr())
          .as(serverLog())
          .contains("no replayer daemon socket at " + daemonSocket);
      assertThat(clear.stdout()).isEmpty();
      assertThat(serverLog()).contains("ran clear-cache for a client via the CLI socket: exit 1");

      Run help = launch("mount", "--daemon", "--help");
      assertThat(help.exit()).as(help.toString()).isZero();
      assertThat(help.stdout()).contains("Usage: replayer mount");
      assertThat(help.stderr()).isEmpty();

      // "--daemon" as the value of --app: not a daemon request once parsed, so not run here.
      Run foreground =
          launch("mount", "img:1", "mnt", "--daemon-socket", "d.sock", "--app", "--daemon");
      assertThat(foreground.exit()).as(foreground.toString()).isEqualTo(2);
      awaitLog("ran mount for a client via the CLI socket: exit 2");
    }
    assertThat(dir.resolve("d.cli.sock")).doesNotExist();

    // Without the CLI socket the launcher starts a JVM (in the client's directory): same exit code.
    String before = serverLog();
    Run viaJvm = launch("clear-cache", "--daemon-socket", "d.sock");
    assertThat(viaJvm.exit()).as(viaJvm.toString()).isEqualTo(1);
    assertThat(viaJvm.stderr()).contains("no replayer daemon socket at d.sock");
    assertThat(serverLog()).isEqualTo(before);
  }

  @Test
  void onlyTheDaemonsUserMayUseTheSocket() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "needs root to switch users");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
    try (ForwardedCommandServer server = start(dir.resolve("d.sock"))) {
      // Defeat the file permissions: the peer check must still refuse.
      Files.setPosixFilePermissions(server.socket(), PosixFilePermissions.fromString("rw-rw-rw-"));
      Run r =
          run(
              List.of(
                  "setpriv",
                  "--reuid=65534",
                  "--regid=65534",
                  "--clear-groups",
                  "--",
                  "curl",
                  "-sS",
                  "--unix-socket",
                  server.socket().toString(),
                  "--data-binary",
                  "@-",
                  "-w",
                  "\nstatus %{http_code}",
                  "http://localhost/v1/run"),
              "/\0\0clear-cache\0--daemon-socket\0/x.sock\0");
      assertThat(r.stdout())
          .as(r.toString())
          .contains("only root may use this socket, not nobody")
          .contains("status 403");
      assertThat(serverLog()).doesNotContain("ran clear-cache");
    }
  }

  private ForwardedCommandServer start(Path daemonSocket) throws Exception {
    return ForwardedCommandServer.start(
        ForwardedCommandServer.socketFor(daemonSocket),
        new PrintStream(serverLog, true, StandardCharsets.UTF_8));
  }

  /** The server logs a command after its exit line went out, so the launcher may be faster. */
  private void awaitLog(String line) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!serverLog().contains(line) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(serverLog()).contains(line);
  }

  private String serverLog() {
    return serverLog.toString(StandardCharsets.UTF_8);
  }

  private record Run(int exit, String stdout, String stderr) {}

  private Run launch(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(LAUNCHER.toString()));
    command.addAll(List.of(args));
    return run(command, null);
  }

  private Run run(List<String> command, String stdin) throws Exception {
    Path out = Files.createTempFile(dir, "out-", ".log");
    Path err = Files.createTempFile(dir, "err-", ".log");
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    pb.environment().remove("TRACEFETCH_NO_FORWARD");
    pb.environment().remove("TRACEFETCH_STORE_TOKEN");
    Process p = pb.start();
    try (var in = p.getOutputStream()) {
      if (stdin != null) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
    }
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("%s exits", command).isTrue();
    return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
  }
}
