package dev.tracefetch.store.error;

/** The request was understood but its content is wrong: a malformed trace, a bad name or digest. */
public final class InvalidInputException extends StoreException {
  private static final long serialVersionUID = 1L;

  public InvalidInputException(String title, String message) {
    this(title, message, null);
  }

  public InvalidInputException(String title, String message, Throwable cause) {
    super(Kind.INVALID_INPUT, title, message, cause);
  }
}
