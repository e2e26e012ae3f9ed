package dev.tracefetch.cli;

/**
 * Uniform answer of subcommands whose issue has not landed yet: a message naming the command and
 * exit code 1, so scripts never mistake a missing feature for success.
 */
public final class NotYetImplemented {
  private NotYetImplemented() {}

  public static int report(String command) {
    System.err.println(command + ": not yet implemented");
    return ExitCodes.FAILURE;
  }
}
