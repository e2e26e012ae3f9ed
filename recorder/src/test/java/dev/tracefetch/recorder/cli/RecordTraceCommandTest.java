package dev.tracefetch.recorder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracefetch.cli.testing.CommandContract;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class RecordTraceCommandTest extends CommandContract {
  @Override
  protected Object newCommand() {
    return new RecordTraceCommand();
  }

  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        new CommandLine(new RecordTraceCommand())
            .setOut(new PrintWriter(out))
            .setErr(new PrintWriter(err))
            .execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void imageAndAppAreRequired() {
    Run r = run("--app", "x");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--image and --app are required");
  }

  @Test
  void badReadinessIsAUsageError() {
    Run r = run("--image", "localhost:5000/a:1", "--app", "a", "--ready", "soon");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("unknown --ready 'soon'");
  }

  @Test
  void uploadNeedsAToken() {
    Run r = run("--image", "localhost:5000/a:1", "--app", "a", "--upload", "http://store:8080");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--upload needs --token");
  }

  @Test
  void commandAfterDoubleDashIsCollected() {
    RecordTraceCommand c = new RecordTraceCommand();
    new CommandLine(c).parseArgs("--image", "r/a:1", "--app", "a", "--", "sh", "-c", "cat /a");
    assertThat(c.command).containsExactly("sh", "-c", "cat /a");
  }

  @Test
  void flushNeedsTheStore() {
    Run r = run("flush");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--upload");
  }
}
