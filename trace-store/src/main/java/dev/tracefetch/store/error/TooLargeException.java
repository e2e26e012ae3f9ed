package dev.tracefetch.store.error;

/** An upload is larger than the configured maximum; nothing of it was stored. */
public final class TooLargeException extends StoreException {
  private static final long serialVersionUID = 1L;

  public TooLargeException(long maxBytes) {
    super(
        Kind.TOO_LARGE,
        "Upload too large",
        "trace upload exceeds the maximum of "
            + maxBytes
            + " bytes (property tracestore.upload.max-size)",
        null);
  }
}
