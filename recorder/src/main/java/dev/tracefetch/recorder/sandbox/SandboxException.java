package dev.tracefetch.recorder.sandbox;

/** The sandbox cannot be set up or started; the message says what was wrong. */
public final class SandboxException extends Exception {
  public SandboxException(String message) {
    super(message);
  }

  public SandboxException(String message, Throwable cause) {
    super(message, cause);
  }
}
