package dev.tracefetch.oci.registry;

/**
 * The registry refused the credentials (HTTP 401 after authenticating), or none were configured
 * where some are needed.
 */
public class RegistryUnauthorizedException extends RegistryException {
  private static final long serialVersionUID = 1L;

  public RegistryUnauthorizedException(RegistryFailure failure, String reason) {
    super(failure, reason);
  }

  public RegistryUnauthorizedException(RegistryFailure failure, String reason, Throwable cause) {
    super(failure, reason, cause);
  }
}
