package dev.tracefetch.store.auth;

import dev.tracefetch.store.error.InvalidInputException;
import dev.tracefetch.store.error.NotFoundException;
import dev.tracefetch.store.error.UnauthenticatedException;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Issues, lists and revokes API tokens, and turns an {@code Authorization} header into a {@link
 * Caller}. Both REST and gRPC authenticate through here.
 */
@Service
public class TokenService {
  private static final Logger log = LoggerFactory.getLogger(TokenService.class);
  private static final String BOOTSTRAP_ADMIN = "bootstrap-admin";
  private static final int MAX_CACHED = 10_000;
  private static final int MAX_DESCRIPTION = 200;

  private final TokenRepository tokens;
  private final AuthProperties properties;
  private final Clock clock;
  private final Optional<byte[]> adminTokenHash;
  private final Map<String, CachedCaller> cache = new ConcurrentHashMap<>();

  private record CachedCaller(Caller caller, Instant expiresAt) {}

  public TokenService(TokenRepository tokens, AuthProperties properties, Clock clock) {
    this.tokens = tokens;
    this.properties = properties;
    this.clock = clock;
    this.adminTokenHash =
        properties.adminToken().isEmpty()
            ? Optional.empty()
            : Optional.of(TokenSecrets.hash(properties.adminToken()));
  }

  public NewToken create(Set<Scope> scopes, Optional<AppPattern> appPattern, String description) {
    if (scopes.isEmpty()) {
      throw new InvalidInputException(
          "Missing scope", "a token needs at least one scope: upload, read or admin");
    }
    if (appPattern.isPresent() && !scopes.contains(Scope.UPLOAD)) {
      throw new InvalidInputException(
          "Invalid app pattern", "an app pattern only applies to tokens with scope 'upload'");
    }
    String text = description == null ? "" : description.strip();
    if (text.length() > MAX_DESCRIPTION) {
      throw new InvalidInputException(
          "Invalid description",
          "token description is longer than " + MAX_DESCRIPTION + " characters");
    }
    String id = TokenSecrets.newId();
    String token = TokenSecrets.newToken(id);
    ApiToken details =
        new ApiToken(
            id, EnumSet.copyOf(scopes), appPattern, text, clock.instant(), Optional.empty());
    tokens.insert(details, TokenSecrets.hash(token));
    log.info(
        "token created id={} scopes={} app={}",
        id,
        scopes.stream().map(Scope::wireName).sorted().toList(),
        appPattern.map(AppPattern::glob).orElse("*"));
    return new NewToken(token, details);
  }

  public List<ApiToken> list() {
    return tokens.list();
  }

  public void revoke(String id) {
    if (!tokens.revoke(id, clock.instant())) {
      throw new NotFoundException("Unknown token", "no token with id '" + id + "'");
    }
    cache.clear();
    log.info("token revoked id={}", id);
  }

  /**
   * Resolves the caller of a request from its {@code Authorization} header value (absent when the
   * request had none). A header that is present but wrong always fails, even where anonymous reads
   * are allowed: a client that meant to authenticate should learn that it did not.
   */
  public Caller authenticate(Optional<String> authorization) {
    if (authorization.isEmpty() || authorization.get().isBlank()) {
      return Caller.anonymous(properties.anonymousRead());
    }
    String header = authorization.get().strip();
    if (header.length() < 7 || !header.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
      throw new UnauthenticatedException("the Authorization header must be 'Bearer <token>'");
    }
    String token = header.substring(7).strip();
    if (adminTokenHash.isPresent()
        && java.security.MessageDigest.isEqual(TokenSecrets.hash(token), adminTokenHash.get())) {
      return new Caller(BOOTSTRAP_ADMIN, Set.of(Scope.ADMIN), Optional.empty(), true);
    }
    TokenSecrets.Presented presented =
        TokenSecrets.parse(token)
            .orElseThrow(() -> new UnauthenticatedException("the bearer token is not valid"));
    String cacheKey = HexFormat.of().formatHex(TokenSecrets.hash(token));
    Instant now = clock.instant();
    CachedCaller cached = cache.get(cacheKey);
    if (cached != null && cached.expiresAt().isAfter(now)) {
      return cached.caller();
    }
    TokenRepository.StoredToken stored =
        tokens
            .find(presented.id())
            .filter(row -> TokenSecrets.matches(presented.token(), row.hash()))
            .orElseThrow(() -> new UnauthenticatedException("the bearer token is not valid"));
    if (stored.token().revoked()) {
      throw new UnauthenticatedException("the bearer token has been revoked");
    }
    Caller caller =
        new Caller(stored.token().id(), stored.token().scopes(), stored.token().appPattern(), true);
    if (cache.size() >= MAX_CACHED) {
      cache.clear();
    }
    cache.put(cacheKey, new CachedCaller(caller, now.plus(properties.cacheTtl())));
    return caller;
  }
}
