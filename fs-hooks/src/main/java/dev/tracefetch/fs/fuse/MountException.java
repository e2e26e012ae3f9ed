package dev.tracefetch.fs.fuse;

/** Mounting or unmounting a filesystem failed; the message names the mountpoint and the cause. */
public final class MountException extends Exception {
  private static final long serialVersionUID = 1L;

  public MountException(String message) {
    super(message);
  }

  public MountException(String message, Throwable cause) {
    super(message, cause);
  }
}
