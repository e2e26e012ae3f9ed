package dev.tracefetch.oci.registry.auth;

import java.util.List;
import java.util.Optional;

/**
 * Where credentials for a registry come from: explicit flags, {@code ~/.docker/config.json}, or
 * nowhere (anonymous). One lookup per registry, so a client can be built once and reused for
 * several registries' worth of configuration.
 */
@FunctionalInterface
public interface CredentialProvider {

  /**
   * The credentials for {@code registry} ({@code host[:port]} as the user wrote it, e.g. {@code
   * 127.0.0.1:5000} or {@code docker.io}), or empty for anonymous access.
   */
  Optional<Credentials> credentialsFor(String registry);

  /** Anonymous access everywhere. */
  static CredentialProvider anonymous() {
    return registry -> Optional.empty();
  }

  /** The same credentials for every registry (e.g. from {@code --username/--password}). */
  static CredentialProvider of(Credentials credentials) {
    Optional<Credentials> fixed = Optional.of(credentials);
    return registry -> fixed;
  }

  /** The first provider that has credentials for the registry wins. */
  static CredentialProvider firstOf(List<CredentialProvider> providers) {
    List<CredentialProvider> copy = List.copyOf(providers);
    return registry -> {
      for (CredentialProvider p : copy) {
        Optional<Credentials> c = p.credentialsFor(registry);
        if (c.isPresent()) {
          return c;
        }
      }
      return Optional.empty();
    };
  }
}
