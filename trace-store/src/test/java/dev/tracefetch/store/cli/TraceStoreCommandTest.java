package dev.tracefetch.store.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class TraceStoreCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return new CommandLine(new TraceStoreCommand())
        .setOut(new PrintWriter(out))
        .setErr(new PrintWriter(err))
        .execute(args);
  }

  @Test
  void helpPrintsUsageAndExitsZero() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).startsWith("Usage: ").contains("--help");
  }

  @Test
  void unknownOptionIsAUsageError() {
    assertThat(run("--no-such-option")).isEqualTo(2);
    assertThat(err.toString()).contains("Unknown option: '--no-such-option'");
  }

  @Test
  void everySubcommandHasHelp() {
    CommandLine cli = new CommandLine(new TraceStoreCommand());
    for (String name : cli.getSubcommands().keySet()) {
      StringWriter sub = new StringWriter();
      int code =
          new CommandLine(new TraceStoreCommand())
              .setOut(new PrintWriter(sub))
              .execute(name, "--help");
      assertThat(code).as(name).isZero();
      assertThat(sub.toString()).as(name).contains("Usage: ");
    }
  }
}
