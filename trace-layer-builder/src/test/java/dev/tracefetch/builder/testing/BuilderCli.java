package dev.tracefetch.builder.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracefetch.builder.cli.TraceLayerBuilderCommand;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs {@code trace-layer-builder} in-process and keeps exit code, stdout and stderr. */
public final class BuilderCli {
  private BuilderCli() {}

  public record Run(int exitCode, String out, String err) {
    public JsonNode json() throws IOException {
      return new ObjectMapper().readTree(out);
    }
  }

  public static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        new picocli.CommandLine(new TraceLayerBuilderCommand())
            .setOut(new PrintWriter(out))
            .setErr(new PrintWriter(err))
            .execute(args);
    return new Run(code, out.toString(), err.toString());
  }
}
