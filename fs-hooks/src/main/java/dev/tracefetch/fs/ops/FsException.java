package dev.tracefetch.fs.ops;

import java.util.Objects;

/**
 * A filesystem operation failed with a specific {@link Errno}. The message says what was attempted
 * on which path and why, for logs; the caller of a syscall only ever sees the errno.
 */
public final class FsException extends Exception {
  private static final long serialVersionUID = 1L;

  private final Errno errno;

  public FsException(Errno errno, String message) {
    super(message);
    this.errno = Objects.requireNonNull(errno, "errno");
  }

  public FsException(Errno errno, String message, Throwable cause) {
    super(message, cause);
    this.errno = Objects.requireNonNull(errno, "errno");
  }

  public Errno errno() {
    return errno;
  }

  /** Shorthand for the ubiquitous "no such file". */
  public static FsException noEntry(String path) {
    return new FsException(Errno.ENOENT, path + ": no such file or directory");
  }

  /** Shorthand for every attempt to change the read-only image. */
  public static FsException readOnly(String what, String path) {
    return new FsException(Errno.EROFS, what + " " + path + ": the image is read-only");
  }
}
