package dev.tracefetch.store.registry;

import dev.tracefetch.oci.registry.RegistryClient;
import dev.tracefetch.oci.registry.auth.Credentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * One {@link RegistryClient} per registry host, configured from {@link RegistryProperties} and kept
 * for the life of the store (clients hold connection pools and bearer tokens).
 */
@Component
public class RegistryClients implements DisposableBean {
  private final RegistryProperties properties;
  private final Map<String, RegistryClient> clients = new ConcurrentHashMap<>();

  public RegistryClients(RegistryProperties properties) {
    this.properties = properties;
  }

  /**
   * The client for {@code registry} ({@code host[:port]}).
   *
   * @throws IllegalArgumentException for a malformed registry, or plain HTTP to a registry that is
   *     neither loopback nor configured as insecure
   */
  public RegistryClient forRegistry(String registry) {
    return clients.computeIfAbsent(registry, this::create);
  }

  private RegistryClient create(String registry) {
    RegistryClient.Builder builder =
        RegistryClient.builder(registry).insecureRegistries(properties.insecure());
    if (!properties.username().isEmpty()) {
      builder.credentials(new Credentials(properties.username(), properties.password()));
    }
    if (properties.dockerConfig().isPresent()) {
      try {
        builder.dockerConfig(properties.dockerConfig().get());
      } catch (IOException e) {
        throw new UncheckedIOException(
            "cannot read tracestore.registry.docker-config " + properties.dockerConfig().get(), e);
      }
    }
    return builder.build();
  }

  @Override
  public void destroy() {
    clients.values().forEach(RegistryClient::close);
    clients.clear();
  }
}
