package dev.tracefetch.store.web;

import dev.tracefetch.store.auth.NewToken;

/** The answer to creating a token: the only response that ever carries the secret. */
record CreatedTokenResponse(String token, TokenResponse details) {
  static CreatedTokenResponse of(NewToken token) {
    return new CreatedTokenResponse(token.token(), TokenResponse.of(token.details()));
  }
}
