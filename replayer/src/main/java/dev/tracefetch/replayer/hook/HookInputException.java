package dev.tracefetch.replayer.hook;

import java.io.IOException;

/** The container state or bundle the runtime handed to the hook is missing or malformed. */
public final class HookInputException extends IOException {
  private static final long serialVersionUID = 1L;

  public HookInputException(String message) {
    super(message);
  }

  public HookInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
