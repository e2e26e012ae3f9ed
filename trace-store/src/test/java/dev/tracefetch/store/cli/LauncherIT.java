package dev.tracefetch.store.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracefetch.store.support.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code bin/trace-store} runs the packaged exec jar. */
class LauncherIT {
  private static final Path LAUNCHER = Path.of("..", "bin", "trace-store").toAbsolutePath();

  private record Result(int exit, String out, String err) {}

  private static Result run(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(LAUNCHER.toString()));
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command)
            .redirectError(ProcessBuilder.Redirect.PIPE)
            .redirectOutput(ProcessBuilder.Redirect.PIPE)
            .start();
    var err = process.getErrorStream();
    var errText = new java.util.concurrent.CompletableFuture<String>();
    new Thread(
            () -> {
              try {
                errText.complete(new String(err.readAllBytes(), StandardCharsets.UTF_8));
              } catch (java.io.IOException e) {
                errText.completeExceptionally(e);
              }
            })
        .start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(3, TimeUnit.MINUTES)).isTrue();
    return new Result(process.exitValue(), out, errText.get(1, TimeUnit.MINUTES));
  }

  @Test
  void helpAnswersWithoutStartingSpring() throws Exception {
    Result help = run("--help");
    assertThat(help.exit()).isZero();
    assertThat(help.out()).contains("Usage: trace-store").contains("serve").contains("token");
    assertThat(help.out() + help.err()).doesNotContain(" INFO ").doesNotContain("Tomcat");
  }

  @Test
  void usageErrorsExitWithTwo() throws Exception {
    Result bad = run("token", "create", "--scope", "everything");
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err()).contains("unknown scope 'everything'");
  }

  @Test
  void tokenCreatePrintsOnlyTheTokenOnStandardOutput() throws Exception {
    TestPostgres.Database db = TestPostgres.freshDatabase("launcher");
    Result created =
        run(
            "token",
            "create",
            "--scope",
            "read",
            "--spring.datasource.url=" + db.url(),
            "--spring.datasource.username=" + db.user(),
            "--spring.datasource.password=" + db.password());
    assertThat(created.exit()).as(created.err()).isZero();
    assertThat(created.out().strip()).matches("tft_[0-9a-f]{16}_[A-Za-z0-9_-]{43}");

    Result listed =
        run(
            "token",
            "list",
            "--spring.datasource.url=" + db.url(),
            "--spring.datasource.username=" + db.user(),
            "--spring.datasource.password=" + db.password());
    assertThat(listed.exit()).as(listed.err()).isZero();
    assertThat(listed.out()).contains(created.out().strip().substring(4, 20)).contains("read");
  }
}
