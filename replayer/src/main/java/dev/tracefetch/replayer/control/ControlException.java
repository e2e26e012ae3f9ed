package dev.tracefetch.replayer.control;

import java.io.IOException;

/**
 * A control call failed: no replayer serves the socket, it refused the request, or it did not
 * answer in time. The message names the socket (and mount point, where known) and the reason.
 */
public class ControlException extends IOException {
  private static final long serialVersionUID = 1L;

  public ControlException(String message) {
    super(message);
  }

  public ControlException(String message, Throwable cause) {
    super(message, cause);
  }
}
