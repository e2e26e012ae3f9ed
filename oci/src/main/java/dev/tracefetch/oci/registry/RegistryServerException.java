package dev.tracefetch.oci.registry;

/** The registry kept failing with 5xx answers after the configured retries. */
public class RegistryServerException extends RegistryException {
  private static final long serialVersionUID = 1L;

  public RegistryServerException(RegistryFailure failure, String reason) {
    super(failure, reason);
  }

  public RegistryServerException(RegistryFailure failure, String reason, Throwable cause) {
    super(failure, reason, cause);
  }
}
