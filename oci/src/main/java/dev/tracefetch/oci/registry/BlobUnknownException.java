package dev.tracefetch.oci.registry;

/** No blob with the requested digest in the repository. */
public class BlobUnknownException extends RegistryNotFoundException {
  private static final long serialVersionUID = 1L;

  public BlobUnknownException(RegistryFailure failure, String reason) {
    super(failure, reason);
  }

  public BlobUnknownException(RegistryFailure failure, String reason, Throwable cause) {
    super(failure, reason, cause);
  }
}
