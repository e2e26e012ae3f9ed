package dev.tracefetch.builder.cli;

import dev.tracefetch.cli.Cli;
import dev.tracefetch.cli.NotYetImplemented;
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
      TraceLayerBuilderCommand.Stub.BuildReplay.class,
      TraceLayerBuilderCommand.Stub.BuildLayer.class,
      TraceLayerBuilderCommand.Stub.StripLayer.class,
      TraceLayerBuilderCommand.Stub.Attach.class,
      TraceLayerBuilderCommand.Stub.Optimize.class
    })
public final class TraceLayerBuilderCommand implements Callable<Integer> {

  @Override
  public Integer call() {
    CommandLine.usage(this, System.err);
    return 2;
  }

  /** Subcommands owned by the builder issue; they exist so that --help lists them. */
  static final class Stub {
    private Stub() {}

    @Command(
        name = "build-replay",
        mixinStandardHelpOptions = true,
        description = "Build a runtime replay file.")
    static final class BuildReplay implements Callable<Integer> {
      @Override
      public Integer call() {
        return NotYetImplemented.report("trace-layer-builder build-replay");
      }
    }

    @Command(
        name = "build-layer",
        mixinStandardHelpOptions = true,
        description = "Append a trace top layer.")
    static final class BuildLayer implements Callable<Integer> {
      @Override
      public Integer call() {
        return NotYetImplemented.report("trace-layer-builder build-layer");
      }
    }

    @Command(
        name = "strip-layer",
        mixinStandardHelpOptions = true,
        description = "Remove the trace top layer.")
    static final class StripLayer implements Callable<Integer> {
      @Override
      public Integer call() {
        return NotYetImplemented.report("trace-layer-builder strip-layer");
      }
    }

    @Command(
        name = "attach",
        mixinStandardHelpOptions = true,
        description = "Attach a replay file as an OCI artifact.")
    static final class Attach implements Callable<Integer> {
      @Override
      public Integer call() {
        return NotYetImplemented.report("trace-layer-builder attach");
      }
    }

    @Command(
        name = "optimize",
        mixinStandardHelpOptions = true,
        description = "Reorder eStargz layers for prefetch.")
    static final class Optimize implements Callable<Integer> {
      @Override
      public Integer call() {
        return NotYetImplemented.report("trace-layer-builder optimize");
      }
    }
  }

  public static void main(String[] args) {
    System.exit(Cli.execute(new TraceLayerBuilderCommand(), args));
  }
}
