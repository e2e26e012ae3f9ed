package dev.tracefetch.store.auth;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How callers authenticate.
 *
 * @param anonymousRead let requests without a token read apps, traces and plans
 * @param adminToken a bootstrap admin token taken from configuration (env {@code
 *     TRACE_STORE_ADMIN_TOKEN}), so that a fresh install can create its first tokens; empty for
 *     none
 * @param cacheTtl how long a verified token is trusted without asking the database again (a token
 *     revoked on another instance keeps working here at most this long)
 */
@ConfigurationProperties("tracestore.auth")
public record AuthProperties(
    @DefaultValue("false") boolean anonymousRead,
    @DefaultValue("") String adminToken,
    @DefaultValue("10s") Duration cacheTtl) {

  /** Shortest bootstrap admin token accepted: anything shorter is guessable. */
  public static final int MIN_ADMIN_TOKEN_LENGTH = 24;

  public AuthProperties {
    adminToken = adminToken == null ? "" : adminToken.strip();
    if (!adminToken.isEmpty() && adminToken.length() < MIN_ADMIN_TOKEN_LENGTH) {
      throw new IllegalArgumentException(
          "tracestore.auth.admin-token (TRACE_STORE_ADMIN_TOKEN) must be at least "
              + MIN_ADMIN_TOKEN_LENGTH
              + " characters long");
    }
  }
}
