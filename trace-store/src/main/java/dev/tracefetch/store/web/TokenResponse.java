package dev.tracefetch.store.web;

import dev.tracefetch.store.auth.ApiToken;
import dev.tracefetch.store.auth.AppPattern;
import dev.tracefetch.store.auth.Scope;
import java.time.Instant;
import java.util.List;

/** A token as listed to administrators; never contains the secret. */
record TokenResponse(
    String id,
    List<String> scopes,
    String app,
    String description,
    Instant createdAt,
    Instant revokedAt) {
  static TokenResponse of(ApiToken token) {
    return new TokenResponse(
        token.id(),
        token.scopes().stream().map(Scope::wireName).sorted().toList(),
        token.appPattern().map(AppPattern::glob).orElse(null),
        token.description(),
        token.createdAt(),
        token.revokedAt().orElse(null));
  }
}
