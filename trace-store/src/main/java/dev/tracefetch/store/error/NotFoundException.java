package dev.tracefetch.store.error;

/** An app, image, trace, plan or token the caller named does not exist. */
public final class NotFoundException extends StoreException {
  private static final long serialVersionUID = 1L;

  public NotFoundException(String title, String message) {
    super(Kind.NOT_FOUND, title, message, null);
  }

  public static NotFoundException app(String app) {
    return new NotFoundException("Unknown app", "app '" + app + "' has no traces in this store");
  }

  public static NotFoundException image(String app, String manifestDigest) {
    return new NotFoundException(
        "Unknown image", "app '" + app + "' has no traces for image manifest " + manifestDigest);
  }

  public static NotFoundException trace(String id) {
    return new NotFoundException("Unknown trace", "no trace with id '" + id + "'");
  }
}
