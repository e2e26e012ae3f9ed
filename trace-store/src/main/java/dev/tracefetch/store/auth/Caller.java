package dev.tracefetch.store.auth;

import dev.tracefetch.store.error.PermissionDeniedException;
import dev.tracefetch.store.error.UnauthenticatedException;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * Who is calling, as far as the store knows after looking at the bearer token: REST and gRPC both
 * resolve one before calling the service layer, which asks it for permission.
 *
 * @param name token id, {@code bootstrap-admin}, or {@code anonymous}
 * @param scopes what the caller may do ({@code admin} implies the others)
 * @param appPattern limits uploads to matching apps; empty means all apps
 * @param authenticated false when no token was presented
 */
public record Caller(
    String name, Set<Scope> scopes, Optional<AppPattern> appPattern, boolean authenticated) {

  public Caller {
    scopes = scopes.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(scopes));
  }

  /** A request without a token: read-only if the store opens reads anonymously, else nothing. */
  public static Caller anonymous(boolean mayRead) {
    return new Caller(
        "anonymous", mayRead ? Set.of(Scope.READ) : Set.of(), Optional.empty(), false);
  }

  public boolean has(Scope scope) {
    return scopes.contains(scope) || scopes.contains(Scope.ADMIN);
  }

  /**
   * Fails unless the caller holds {@code scope}: without a token the failure is "unauthenticated"
   * (401), with one it is "permission denied" (403).
   */
  public void require(Scope scope) {
    if (has(scope)) {
      return;
    }
    if (!authenticated) {
      throw new UnauthenticatedException(
          "this operation needs a bearer token with scope '" + scope.wireName() + "'");
    }
    throw new PermissionDeniedException(
        "token '" + name + "' lacks scope '" + scope.wireName() + "'");
  }

  /** Fails unless the caller may upload traces of {@code app}. */
  public void requireUploadFor(String app) {
    require(Scope.UPLOAD);
    if (scopes.contains(Scope.ADMIN)) {
      return;
    }
    appPattern.ifPresent(
        pattern -> {
          if (!pattern.matches(app)) {
            throw new PermissionDeniedException(
                "token '"
                    + name
                    + "' may upload only for apps matching '"
                    + pattern
                    + "', not for app '"
                    + app
                    + "'");
          }
        });
  }
}
