package dev.tracefetch.store.auth;

/**
 * A token just created: the only moment the plain secret exists outside its holder.
 *
 * @param token the bearer token to hand out ({@code tft_<id>_<secret>})
 * @param details what was stored about it
 */
public record NewToken(String token, ApiToken details) {}
