package dev.tracefetch.oci.registry.auth;

import java.io.IOException;

/**
 * Authenticating to a registry failed before the registry call itself could be made: no usable
 * challenge, no credentials for a registry that demands them, or the token server said no. The
 * registry client turns it into its own "unauthorized" error naming the call that needed it.
 */
public class AuthenticationException extends IOException {
  private static final long serialVersionUID = 1L;

  public AuthenticationException(String message) {
    super(message);
  }

  public AuthenticationException(String message, Throwable cause) {
    super(message, cause);
  }
}
