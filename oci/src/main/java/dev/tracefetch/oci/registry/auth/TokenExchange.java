package dev.tracefetch.oci.registry.auth;

import java.io.IOException;
import java.net.URI;
import java.util.Optional;

/**
 * The one HTTP request the auth logic needs: a GET of the token server's URL. Kept as an interface
 * so this package holds only the auth rules and the registry client keeps ownership of HTTP
 * (timeouts, retries, counters).
 */
@FunctionalInterface
public interface TokenExchange {

  /**
   * GETs {@code tokenUrl} with the given {@code Authorization} header (Basic, when credentials are
   * configured) and returns the response body of a 200 answer.
   *
   * @throws AuthenticationException when the token server refuses (401/403)
   * @throws IOException when it cannot be reached or answers something else
   */
  byte[] fetch(URI tokenUrl, Optional<String> authorization) throws IOException;
}
