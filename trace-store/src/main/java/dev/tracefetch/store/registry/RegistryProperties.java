package dev.tracefetch.store.registry;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the store reaches image registries, which it does only to build cross-image plans (reading
 * the new image's manifest and eStargz TOCs, never layer data).
 *
 * @param insecure registries ({@code host} or {@code host:port}) that may be reached over plain
 *     HTTP; loopback registries always may
 * @param dockerConfig a Docker {@code config.json} to take credentials from, if any
 * @param username user for HTTP basic / token auth at every registry (empty: none)
 * @param password its password
 * @param cachedImages how many images' chunk tables are kept in memory (they never change: a
 *     manifest digest names immutable content)
 */
@ConfigurationProperties("tracestore.registry")
public record RegistryProperties(
    @DefaultValue List<String> insecure,
    Optional<Path> dockerConfig,
    @DefaultValue("") String username,
    @DefaultValue("") String password,
    @DefaultValue("32") int cachedImages) {

  public RegistryProperties {
    insecure = List.copyOf(insecure);
    dockerConfig = dockerConfig == null ? Optional.empty() : dockerConfig;
    if (cachedImages < 0) {
      throw new IllegalArgumentException(
          "tracestore.registry.cached-images must not be negative, got " + cachedImages);
    }
    if (username.isEmpty() != password.isEmpty()) {
      throw new IllegalArgumentException(
          "tracestore.registry.username and tracestore.registry.password go together");
    }
  }

  @Override
  public String toString() {
    return "RegistryProperties[insecure="
        + insecure
        + ", dockerConfig="
        + dockerConfig
        + ", username="
        + username
        + ", cachedImages="
        + cachedImages
        + "]";
  }
}
