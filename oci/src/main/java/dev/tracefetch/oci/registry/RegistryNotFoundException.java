package dev.tracefetch.oci.registry;

/**
 * The repository, manifest or blob does not exist (HTTP 404). Callers that only ask whether
 * something exists get {@code Optional.empty()} or {@code false} instead.
 */
public class RegistryNotFoundException extends RegistryException {
  private static final long serialVersionUID = 1L;

  public RegistryNotFoundException(RegistryFailure failure, String reason) {
    super(failure, reason);
  }

  public RegistryNotFoundException(RegistryFailure failure, String reason, Throwable cause) {
    super(failure, reason, cause);
  }
}
