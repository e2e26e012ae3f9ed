package dev.tracefetch.store.error;

/** A valid token that lacks the scope, or whose app pattern does not cover the app. */
public final class PermissionDeniedException extends StoreException {
  private static final long serialVersionUID = 1L;

  public PermissionDeniedException(String message) {
    super(Kind.PERMISSION_DENIED, "Permission denied", message, null);
  }
}
