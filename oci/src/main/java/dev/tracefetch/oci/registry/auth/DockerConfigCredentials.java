package dev.tracefetch.oci.registry.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Credentials from the {@code auths} section of a Docker CLI {@code config.json}, so that a {@code
 * docker login} (or {@code skopeo login --authfile}) done once works for our tools too.
 *
 * <p>Each entry may hold a base64 {@code auth} ("user:password") or separate {@code username} /
 * {@code password} fields. Keys are matched on host and port, ignoring a URL scheme and path, and
 * Docker Hub's historic keys ({@code https://index.docker.io/v1/}) match {@code docker.io}.
 * Credential helpers ({@code credsStore}, {@code credHelpers}) and identity tokens are not
 * supported: such entries are ignored.
 */
public final class DockerConfigCredentials implements CredentialProvider {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path source;
  private final Map<String, Credentials> byRegistry;

  private DockerConfigCredentials(Path source, Map<String, Credentials> byRegistry) {
    this.source = source;
    this.byRegistry = Collections.unmodifiableMap(byRegistry);
  }

  /**
   * The Docker CLI's file: {@code $DOCKER_CONFIG/config.json} when that variable is set, else
   * {@code ~/.docker/config.json}.
   */
  public static Path defaultLocation() {
    String dir = System.getenv("DOCKER_CONFIG");
    if (dir != null && !dir.isBlank()) {
      return Path.of(dir, "config.json");
    }
    return Path.of(System.getProperty("user.home"), ".docker", "config.json");
  }

  /** Loads {@link #defaultLocation()}; a missing file means no credentials. */
  public static DockerConfigCredentials loadDefault() throws IOException {
    return load(defaultLocation());
  }

  /**
   * Loads {@code file}. A missing file means no credentials; an unreadable or malformed one is an
   * error naming the file, since silently going anonymous would hide a typo.
   */
  public static DockerConfigCredentials load(Path file) throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return new DockerConfigCredentials(file, Map.of());
    }
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (IOException e) {
      throw new IOException("cannot parse Docker config " + file + ": " + e.getMessage(), e);
    }
    Map<String, Credentials> result = new HashMap<>();
    JsonNode auths = root == null ? null : root.get("auths");
    if (auths != null && auths.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = auths.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> entry = it.next();
        parseEntry(file, entry.getKey(), entry.getValue())
            .ifPresent(c -> result.put(normalizeKey(entry.getKey()), c));
      }
    }
    return new DockerConfigCredentials(file, result);
  }

  private static Optional<Credentials> parseEntry(Path file, String key, JsonNode node)
      throws IOException {
    String auth = text(node, "auth");
    if (auth != null && !auth.isEmpty()) {
      String decoded;
      try {
        decoded = new String(Base64.getDecoder().decode(auth.trim()), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new IOException(
            "Docker config " + file + ": 'auth' of registry " + key + " is not valid base64", e);
      }
      int colon = decoded.indexOf(':');
      if (colon <= 0) {
        throw new IOException(
            "Docker config "
                + file
                + ": 'auth' of registry "
                + key
                + " does not decode to user:password");
      }
      return Optional.of(
          new Credentials(decoded.substring(0, colon), decoded.substring(colon + 1)));
    }
    String user = text(node, "username");
    String password = text(node, "password");
    if (user != null && !user.isEmpty() && password != null) {
      return Optional.of(new Credentials(user, password));
    }
    return Optional.empty();
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node == null ? null : node.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  /** {@code https://Index.Docker.io/v1/} becomes {@code docker.io}; scheme and path are dropped. */
  static String normalizeKey(String key) {
    String k = key.trim().toLowerCase(Locale.ROOT);
    int scheme = k.indexOf("://");
    if (scheme >= 0) {
      k = k.substring(scheme + 3);
    }
    int slash = k.indexOf('/');
    if (slash >= 0) {
      k = k.substring(0, slash);
    }
    return switch (k) {
      case "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com" -> "docker.io";
      default -> k;
    };
  }

  @Override
  public Optional<Credentials> credentialsFor(String registry) {
    return Optional.ofNullable(byRegistry.get(normalizeKey(registry)));
  }

  /** The file these credentials were read from. */
  public Path source() {
    return source;
  }

  @Override
  public String toString() {
    return "DockerConfigCredentials[" + source + ", registries=" + byRegistry.keySet() + "]";
  }
}
