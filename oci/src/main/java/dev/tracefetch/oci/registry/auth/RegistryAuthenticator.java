package dev.tracefetch.oci.registry.auth;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Decides the {@code Authorization} header of each request to one registry: nothing, Basic, or a
 * Bearer token obtained through the challenge flow. Once a registry has answered one challenge,
 * later requests authenticate up front (no extra 401 round trip per request); Bearer tokens are
 * cached per {@link AuthScope} until shortly before they expire. Thread-safe.
 */
public final class RegistryAuthenticator {
  private final String registry;
  private final CredentialProvider credentials;
  private final TokenExchange exchange;
  private final Clock clock;
  private final Map<AuthScope, BearerToken> tokens = new ConcurrentHashMap<>();
  private volatile AuthChallenge known;

  public RegistryAuthenticator(
      String registry, CredentialProvider credentials, TokenExchange exchange, Clock clock) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.credentials = Objects.requireNonNull(credentials, "credentials");
    this.exchange = Objects.requireNonNull(exchange, "exchange");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * The header to send before any challenge for this request, based on what the registry asked for
   * earlier; empty before the first challenge (and for anonymous Basic registries).
   */
  public Optional<String> authorizationFor(AuthScope scope) throws IOException {
    AuthChallenge challenge = known;
    if (challenge == null) {
      return Optional.empty();
    }
    if (challenge.isBasic()) {
      return credentials.credentialsFor(registry).map(Credentials::basicAuthorization);
    }
    BearerToken cached = tokens.get(scope);
    if (cached != null && cached.usableAt(clock.instant())) {
      return Optional.of(cached.authorization());
    }
    return Optional.of(fetchToken(challenge, scope).authorization());
  }

  /**
   * The header to retry with after a 401 carrying {@code wwwAuthenticate}. Any token cached for
   * {@code scope} is dropped first: the registry just refused it.
   *
   * @throws AuthenticationException when no challenge is usable, Basic auth is demanded but no
   *     credentials are configured, or the token server refuses
   */
  public String respondTo(List<String> wwwAuthenticate, AuthScope scope) throws IOException {
    List<AuthChallenge> challenges = AuthChallenge.parseAll(wwwAuthenticate);
    Optional<AuthChallenge> bearer =
        challenges.stream().filter(c -> c.isBearer() && c.param("realm").isPresent()).findFirst();
    tokens.remove(scope);
    if (bearer.isPresent()) {
      known = bearer.get();
      AuthScope wanted = bearer.get().param("scope").map(AuthScope::parse).orElse(scope);
      return fetchToken(bearer.get(), scope.plus(wanted), scope).authorization();
    }
    Optional<AuthChallenge> basic = challenges.stream().filter(AuthChallenge::isBasic).findFirst();
    if (basic.isPresent()) {
      known = basic.get();
      return credentials
          .credentialsFor(registry)
          .map(Credentials::basicAuthorization)
          .orElseThrow(
              () ->
                  new AuthenticationException(
                      "registry "
                          + registry
                          + " requires credentials (Basic auth) but none are configured"));
    }
    throw new AuthenticationException(
        "registry "
            + registry
            + " answered 401 without a usable challenge (WWW-Authenticate: "
            + (wwwAuthenticate.isEmpty() ? "none" : String.join(" | ", wwwAuthenticate))
            + ")");
  }

  private BearerToken fetchToken(AuthChallenge challenge, AuthScope scope) throws IOException {
    return fetchToken(challenge, scope, scope);
  }

  private BearerToken fetchToken(AuthChallenge challenge, AuthScope requested, AuthScope cacheKey)
      throws IOException {
    Optional<Credentials> creds = credentials.credentialsFor(registry);
    URI url = tokenUrl(challenge, requested, creds.map(Credentials::username));
    BearerToken token =
        BearerToken.parse(
            exchange.fetch(url, creds.map(Credentials::basicAuthorization)), clock.instant());
    tokens.put(cacheKey, token);
    return token;
  }

  /**
   * The token URL: realm plus {@code service}, one {@code scope} per entry, and {@code account}.
   */
  static URI tokenUrl(AuthChallenge challenge, AuthScope scope, Optional<String> account)
      throws AuthenticationException {
    String realm =
        challenge
            .param("realm")
            .orElseThrow(() -> new AuthenticationException("Bearer challenge without realm"));
    StringBuilder query = new StringBuilder();
    challenge.param("service").ifPresent(s -> query.append("&service=").append(encode(s)));
    query.append(
        scope.entries().stream().map(s -> "&scope=" + encode(s)).collect(Collectors.joining()));
    account.ifPresent(a -> query.append("&account=").append(encode(a)));
    String url =
        query.length() == 0
            ? realm
            : realm + (realm.contains("?") ? "&" : "?") + query.substring(1);
    try {
      URI uri = URI.create(url);
      if (uri.getScheme() == null || uri.getHost() == null) {
        throw new IllegalArgumentException("not an absolute URL");
      }
      return uri;
    } catch (IllegalArgumentException e) {
      throw new AuthenticationException("Bearer challenge has an invalid realm '" + realm + "'", e);
    }
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
