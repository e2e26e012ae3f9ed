package dev.tracefetch.store.error;

/** No bearer token where one is needed, or a token the store does not know (or has revoked). */
public final class UnauthenticatedException extends StoreException {
  private static final long serialVersionUID = 1L;

  public UnauthenticatedException(String message) {
    super(Kind.UNAUTHENTICATED, "Authentication required", message, null);
  }
}
