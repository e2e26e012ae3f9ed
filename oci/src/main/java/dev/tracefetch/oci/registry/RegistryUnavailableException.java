package dev.tracefetch.oci.registry;

/**
 * No answer came: connection refused or reset, or a timeout, after the configured retries.
 * Distinguishes a registry that is down from one that says no.
 */
public class RegistryUnavailableException extends RegistryException {
  private static final long serialVersionUID = 1L;

  public RegistryUnavailableException(RegistryFailure failure, String reason) {
    super(failure, reason);
  }

  public RegistryUnavailableException(RegistryFailure failure, String reason, Throwable cause) {
    super(failure, reason, cause);
  }
}
