package dev.tracefetch.replayer.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code replayer ARGS} as a child JVM on the test class path, as a node runs it: its own process,
 * so the ITs can signal it, kill it and see its exit code.
 */
final class ReplayerProcess {
  private ReplayerProcess() {}

  /** The command line of {@code replayer ARGS}. */
  static List<String> command(String... args) {
    List<String> c = new ArrayList<>();
    c.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    c.add("-cp");
    c.add(System.getProperty("java.class.path"));
    c.add(ReplayerCommand.class.getName());
    c.addAll(List.of(args));
    return c;
  }

  /** Starts {@code replayer ARGS} with stdout and stderr going to {@code log}. */
  static Process start(Path log, String... args) throws IOException {
    return new ProcessBuilder(command(args))
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }
}
