package dev.tracefetch.oci.registry;

import java.io.IOException;

/**
 * A registry operation failed. Checked, so callers decide what a failed pull or push means for
 * them; the message always names the action, the registry, the repository and the digest or tag
 * involved, because "404" alone does not say which of the dozens of requests of a pull went wrong.
 *
 * <p>Subclasses say why: {@link RegistryUnauthorizedException}, {@link RegistryForbiddenException},
 * {@link RegistryNotFoundException} (with {@link ManifestUnknownException} and {@link
 * BlobUnknownException}), {@link RegistryRateLimitedException}, {@link RegistryServerException},
 * {@link RegistryUnavailableException} and {@link RegistryProtocolException}.
 */
public class RegistryException extends IOException {
  private static final long serialVersionUID = 1L;

  private final RegistryFailure failure;

  public RegistryException(RegistryFailure failure, String reason) {
    this(failure, reason, null);
  }

  public RegistryException(RegistryFailure failure, String reason, Throwable cause) {
    super(failure.describe(reason), cause);
    this.failure = failure;
  }

  /** What was being done, where, and the HTTP status if one came back. */
  public RegistryFailure failure() {
    return failure;
  }

  /** The HTTP status the registry answered, or -1 when no answer came. */
  public int statusCode() {
    return failure.statusCode();
  }
}
