package dev.tracefetch.store.error;

/**
 * A request the store refuses, with a message meant for the caller. REST maps the {@link Kind} to
 * an HTTP status and gRPC to a status code, so both transports report the same failure the same
 * way; anything that is not a {@code StoreException} is a server fault.
 */
public abstract class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What went wrong, independent of the transport. */
  public enum Kind {
    INVALID_INPUT,
    NOT_FOUND,
    TOO_LARGE,
    UNAUTHENTICATED,
    PERMISSION_DENIED,
    /** A system the store depends on for this request (an image registry) failed. */
    UPSTREAM_FAILED
  }

  private final Kind kind;
  private final String title;

  protected StoreException(Kind kind, String title, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.title = title;
  }

  public Kind kind() {
    return kind;
  }

  /** A short, stable summary of the problem type (the problem+json {@code title}). */
  public String title() {
    return title;
  }
}
