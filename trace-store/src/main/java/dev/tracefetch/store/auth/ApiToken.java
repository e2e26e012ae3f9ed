package dev.tracefetch.store.auth;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * A stored API token as administrators see it: everything but the secret, which the store never
 * keeps (only its SHA-256 hash).
 */
public record ApiToken(
    String id,
    Set<Scope> scopes,
    Optional<AppPattern> appPattern,
    String description,
    Instant createdAt,
    Optional<Instant> revokedAt) {

  public ApiToken {
    scopes = Set.copyOf(scopes);
  }

  public boolean revoked() {
    return revokedAt.isPresent();
  }
}
