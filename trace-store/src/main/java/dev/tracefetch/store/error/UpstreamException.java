package dev.tracefetch.store.error;

/**
 * The store could not answer because a system it asked failed: e.g. the registry holding an image
 * whose manifest and eStargz TOCs a cross-image plan needs. REST answers 502, gRPC UNAVAILABLE.
 */
public final class UpstreamException extends StoreException {
  private static final long serialVersionUID = 1L;

  public UpstreamException(String title, String message, Throwable cause) {
    super(Kind.UPSTREAM_FAILED, title, message, cause);
  }
}
