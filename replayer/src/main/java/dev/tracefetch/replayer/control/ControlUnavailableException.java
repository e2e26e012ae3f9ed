package dev.tracefetch.replayer.control;

/** No replayer answers on the socket: none serves that mount point, or it has exited. */
public final class ControlUnavailableException extends ControlException {
  private static final long serialVersionUID = 1L;

  public ControlUnavailableException(String message) {
    super(message);
  }

  public ControlUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
