package dev.tracefetch.cli.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The promises every tracefetch command makes: {@code --help} on the command and on every
 * subcommand prints usage and exits 0, and an unknown option is a usage error (exit 2). A CLI
 * module's test extends this with its own top-level command.
 */
public abstract class CommandContract {

  /** A fresh instance of the top-level command under test. */
  protected abstract Object newCommand();

  private int run(StringWriter out, StringWriter err, String... args) {
    return new CommandLine(newCommand())
        .setOut(new PrintWriter(out))
        .setErr(new PrintWriter(err))
        .execute(args);
  }

  @Test
  void helpPrintsUsageAndExitsZero() {
    StringWriter out = new StringWriter();
    assertEquals(0, run(out, new StringWriter(), "--help"));
    assertTrue(out.toString().startsWith("Usage: "), out.toString());
    assertTrue(out.toString().contains("--help"), out.toString());
  }

  @Test
  void unknownOptionIsAUsageError() {
    StringWriter err = new StringWriter();
    assertEquals(2, run(new StringWriter(), err, "--no-such-option"));
    assertTrue(err.toString().contains("Unknown option: '--no-such-option'"), err.toString());
  }

  @Test
  void everySubcommandHasHelp() {
    for (String name : new CommandLine(newCommand()).getSubcommands().keySet()) {
      StringWriter out = new StringWriter();
      assertEquals(0, run(out, new StringWriter(), name, "--help"), name);
      assertTrue(out.toString().startsWith("Usage: "), name + ": " + out);
    }
  }
}
