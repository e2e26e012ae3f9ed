package dev.tracefetch.replayer.cli;

/** Uniform answer of subcommands whose issue has not landed yet: a message and exit code 1. */
final class NotYetImplemented {
  private NotYetImplemented() {}

  static int report(String command) {
    System.err.println(command + ": not yet implemented");
    return 1;
  }
}
