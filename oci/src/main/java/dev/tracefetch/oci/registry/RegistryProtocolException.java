package dev.tracefetch.oci.registry;

/**
 * The registry answered something the distribution API does not allow here: an unexpected status, a
 * missing {@code Location}, an unparsable body, a range that does not match.
 */
public class RegistryProtocolException extends RegistryException {
  private static final long serialVersionUID = 1L;

  public RegistryProtocolException(RegistryFailure failure, String reason) {
    super(failure, reason);
  }

  public RegistryProtocolException(RegistryFailure failure, String reason, Throwable cause) {
    super(failure, reason, cause);
  }
}
