package dev.tracefetch.oci.registry;

/** No manifest under the requested tag or digest. */
public class ManifestUnknownException extends RegistryNotFoundException {
  private static final long serialVersionUID = 1L;

  public ManifestUnknownException(RegistryFailure failure, String reason) {
    super(failure, reason);
  }

  public ManifestUnknownException(RegistryFailure failure, String reason, Throwable cause) {
    super(failure, reason, cause);
  }
}
