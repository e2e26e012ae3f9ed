package dev.tracefetch.builder.cli;

import dev.tracefetch.cli.Cli;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of {@code bin/trace-layer-builder}: turns recorded traces into what nodes consume
 * (replay files, trace layers, referrer artifacts, prefetch-ordered images).
 */
@Command(
    name = "trace-layer-builder",
    mixinStandardHelpOptions = true,
    version = "trace-layer-builder 0.1.0",
    description = "Build replay files, trace layers, artifacts and optimized images from traces.",
    subcommands = {
      ConvertCommand.class,
      BuildReplayCommand.class,
      BuildLayerCommand.class,
      StripLayerCommand.class,
      AttachCommand.class,
      OptimizeCommand.class
    })
public final class TraceLayerBuilderCommand implements Callable<Integer> {

  @Override
  public Integer call() {
    CommandLine.usage(this, System.err);
    return 2;
  }

  public static void main(String[] args) {
    System.exit(Cli.execute(new TraceLayerBuilderCommand(), args));
  }
}
