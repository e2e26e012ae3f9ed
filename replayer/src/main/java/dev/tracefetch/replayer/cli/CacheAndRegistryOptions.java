package dev.tracefetch.replayer.cli;

import dev.tracefetch.cli.SizeConverter;
import dev.tracefetch.oci.image.ImageReference;
import dev.tracefetch.oci.registry.RegistryClient;
import dev.tracefetch.oci.registry.auth.DockerConfigCredentials;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The node-side options every command that fetches chunks shares: the chunk cache all mounts use
 * and how the registry is reached. One mixin, so {@code mount} and {@code prefetch-all} fill the
 * same cache with the same spelling and defaults.
 */
final class CacheAndRegistryOptions {
  @Option(
      names = "--cache",
      paramLabel = "DIR",
      description = "Chunk cache directory shared by mounts (default: ${DEFAULT-VALUE}).",
      defaultValue = "/var/cache/tracefetch/chunks")
  Path cacheDir;

  @Option(
      names = "--cache-size",
      paramLabel = "SIZE",
      description = "Cache size limit, LRU-evicted (default: ${DEFAULT-VALUE}).",
      defaultValue = "10G",
      converter = SizeConverter.class)
  long cacheSize;

  @Option(
      names = "--insecure-registry",
      paramLabel = "HOST",
      description = "Registry reached over plain HTTP (loopback registries always are).")
  List<String> insecureRegistries = List.of();

  /** A client for {@code reference}'s registry with the node's Docker credentials. */
  RegistryClient client(ImageReference reference) throws IOException {
    return RegistryClient.builder(reference.registry())
        .insecureRegistries(insecureRegistries)
        .credentials(DockerConfigCredentials.loadDefault())
        .build();
  }
}
