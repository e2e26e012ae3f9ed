package dev.tracefetch.replayer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracefetch.replayer.control.FakeReplayControl;
import dev.tracefetch.replayer.control.ServedMount;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/replayer hook} as a runtime runs it: the launcher takes the state from stdin, exits 0
 * without waiting for the JVM, and the detached hook still reaches the replayer (a fake engine
 * behind a real control socket) and logs what it did.
 */
class HookLauncherIT {
  private static final Path LAUNCHER = Path.of("..", "bin", "replayer").toAbsolutePath();

  @TempDir Path dir;

  private Process launch(Path socketDir, Path log, String state) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(
                LAUNCHER.toString(),
                "hook",
                "--socket-dir",
                socketDir.toString(),
                "--deadline",
                "60s")
            .redirectErrorStream(true);
    pb.environment().put("TRACEFETCH_HOOK_LOG", log.toString());
    pb.environment().remove("TRACEFETCH_HOOK_FOREGROUND");
    Process p = pb.start();
    try (OutputStream in = p.getOutputStream()) {
      in.write(state.getBytes(StandardCharsets.UTF_8));
    }
    return p;
  }

  @Test
  void returnsAtOnceAndTheDetachedHookTriggersReplay() throws Exception {
    Path socketDir = dir.resolve("run");
    Path bundle = Files.createDirectories(dir.resolve("bundle"));
    Path mnt = Files.createDirectories(dir.resolve("mnt"));
    Files.writeString(
        bundle.resolve("config.json"),
        "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\""
            + mnt
            + "\"},\"annotations\":{\"dev.tracefetch.app\":\"web\"}}");
    String state =
        "{\"ociVersion\":\"1.2.0\",\"id\":\"ctr-1\",\"status\":\"creating\",\"pid\":1,"
            + "\"bundle\":\""
            + bundle
            + "\"}";
    Path log = dir.resolve("log/hook.log");
    try (ServedMount served = new ServedMount(socketDir, mnt, "127.0.0.1:5000/app:1")) {
      Process p = launch(socketDir, log, state);
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.exitValue()).as(output).isZero();
      assertThat(output).isEmpty(); // everything goes to the log, nothing to the runtime

      FakeReplayControl.Started started = served.engine.awaitStart(120);
      assertThat(started).as(() -> readLog(log)).isNotNull();
      assertThat(served.appsAsked).containsExactly("web");
      assertThat(served.awaitLog("hook:ctr-1", 60)).as(served.log.toString()).isTrue();
    }
  }

  @Test
  void exitsZeroWhenNothingServesTheContainer() throws Exception {
    Path log = dir.resolve("hook.log");
    Process p =
        launch(
            dir.resolve("run"), log, "{\"id\":\"ctr-2\",\"bundle\":\"" + dir.resolve("b") + "\"}");
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    // The detached hook logs why it did nothing.
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!readLog(log).contains("ctr-2") && System.nanoTime() < until) {
      Thread.sleep(100);
    }
    assertThat(readLog(log)).contains("replayer hook: container ctr-2: bundle has no config.json");
  }

  private static String readLog(Path log) {
    try {
      return Files.exists(log) ? Files.readString(log) : "(no log)";
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }
}
