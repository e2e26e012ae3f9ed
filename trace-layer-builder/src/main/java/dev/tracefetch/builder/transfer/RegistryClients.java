package dev.tracefetch.builder.transfer;

import dev.tracefetch.oci.registry.RegistryClient;
import dev.tracefetch.oci.registry.auth.DockerConfigCredentials;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * The registry clients of one command run, one per registry, so that source and destination in the
 * same registry share connections and can mount blobs across repositories. Credentials come from
 * the Docker config ({@code $DOCKER_CONFIG/config.json} or {@code ~/.docker/config.json}); plain
 * HTTP is used for loopback registries and those named insecure.
 */
public final class RegistryClients implements AutoCloseable {
  private final Function<String, RegistryClient> factory;
  private final Map<String, RegistryClient> clients = new LinkedHashMap<>();

  private RegistryClients(Function<String, RegistryClient> factory) {
    this.factory = factory;
  }

  /**
   * Clients with the user's Docker credentials.
   *
   * @param insecureRegistries registries ({@code host} or {@code host:port}) reached over HTTP
   */
  public static RegistryClients withDockerCredentials(Set<String> insecureRegistries)
      throws IOException {
    DockerConfigCredentials credentials = DockerConfigCredentials.loadDefault();
    Set<String> insecure = Set.copyOf(insecureRegistries);
    return new RegistryClients(
        registry ->
            RegistryClient.builder(registry)
                .insecureRegistries(insecure)
                .credentials(credentials)
                .build());
  }

  /** Clients made by {@code factory} (tests configure them, e.g. for a registry with auth). */
  public static RegistryClients of(Function<String, RegistryClient> factory) {
    return new RegistryClients(Objects.requireNonNull(factory, "factory"));
  }

  /**
   * The client for {@code registry} ({@code host[:port]}), created on first use.
   *
   * @throws IllegalArgumentException for plain HTTP to a registry not named insecure
   */
  public synchronized RegistryClient get(String registry) {
    return clients.computeIfAbsent(registry, factory);
  }

  @Override
  public synchronized void close() {
    RuntimeException failure = null;
    for (RegistryClient c : clients.values()) {
      try {
        c.close();
      } catch (RuntimeException e) {
        failure = failure == null ? e : failure;
      }
    }
    clients.clear();
    if (failure != null) {
      throw failure;
    }
  }
}
