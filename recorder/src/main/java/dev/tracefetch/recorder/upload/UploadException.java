package dev.tracefetch.recorder.upload;

/**
 * An upload did not reach the store or the store did not accept it. {@link #retryable()} tells
 * whether sending the same bytes again later can succeed (unreachable store, 5xx, 429) or whether
 * the store rejected the trace (4xx: bad token, invalid trace) and a person must look.
 */
public final class UploadException extends Exception {
  private final boolean retryable;

  public UploadException(String message, boolean retryable, Throwable cause) {
    super(message, cause);
    this.retryable = retryable;
  }

  public boolean retryable() {
    return retryable;
  }
}
