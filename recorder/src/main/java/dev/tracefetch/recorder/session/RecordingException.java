package dev.tracefetch.recorder.session;

/** A recording could not start (or broke) before anything was recorded; the message says why. */
public final class RecordingException extends Exception {
  public RecordingException(String message, Throwable cause) {
    super(message, cause);
  }
}
