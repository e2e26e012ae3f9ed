package dev.tracefetch.store.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracefetch.cli.testing.CommandContract;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class TraceStoreCommandTest extends CommandContract {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @Override
  protected Object newCommand() {
    return new TraceStoreCommand();
  }

  private int run(String... args) {
    CommandLine cmd = TraceStoreCommand.commandLine();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    return cmd.execute(args);
  }

  @Test
  void helpListsTheSubcommands() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("serve").contains("token").contains("healthcheck");
  }

  @Test
  void tokenCreateHelpShowsTheOptions() {
    assertThat(run("token", "create", "--help")).isZero();
    assertThat(out.toString()).contains("--scope").contains("--app");
  }

  @Test
  void unknownScopeIsAUsageError() {
    assertThat(run("token", "create", "--scope", "root")).isEqualTo(2);
    assertThat(err.toString()).contains("unknown scope 'root'");
  }

  @Test
  void appPatternNeedsUploadScope() {
    assertThat(run("token", "create", "--scope", "read", "--app", "web-*")).isEqualTo(2);
    assertThat(err.toString()).contains("--app only applies");
  }

  @Test
  void tokenWithoutSubcommandShowsUsage() {
    assertThat(run("token")).isEqualTo(2);
    assertThat(err.toString()).contains("create").contains("revoke");
  }

  @Test
  void onlySpringPropertiesPassThrough() {
    assertThat(run("serve", "--server-port=8081")).isEqualTo(2);
    assertThat(err.toString()).contains("Unknown option: '--server-port=8081'");
    assertThat(run("token", "list", "extra")).isEqualTo(2);
    assertThat(SpringArguments.isProperty("--server.port=8081")).isTrue();
    assertThat(SpringArguments.isProperty("--spring.datasource.url=jdbc:postgresql://h/db"))
        .isTrue();
    assertThat(SpringArguments.isProperty("--debug")).isFalse();
  }
}
