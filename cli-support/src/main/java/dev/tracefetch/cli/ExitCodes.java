package dev.tracefetch.cli;

/** The exit codes every tracefetch command uses (picocli's defaults, named). */
public final class ExitCodes {
  private ExitCodes() {}

  public static final int OK = 0;
  public static final int FAILURE = 1;
  public static final int USAGE = 2;
}
