package dev.tracefetch.oci.registry;

/** The credentials were accepted but do not grant the action (HTTP 403). */
public class RegistryForbiddenException extends RegistryException {
  private static final long serialVersionUID = 1L;

  public RegistryForbiddenException(RegistryFailure failure, String reason) {
    super(failure, reason);
  }

  public RegistryForbiddenException(RegistryFailure failure, String reason, Throwable cause) {
    super(failure, reason, cause);
  }
}
