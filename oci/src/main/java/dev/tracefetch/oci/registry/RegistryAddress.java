package dev.tracefetch.oci.registry;

import java.util.Collection;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a registry is and how to talk to it. Plain HTTP is allowed only for loopback hosts and for
 * registries the user explicitly listed as insecure, so a typo cannot send credentials in clear
 * text across the network.
 *
 * @param name the registry as the user wrote it, {@code host[:port]} (used in messages and for
 *     credential lookup)
 * @param apiHost the host the API is served from ({@code docker.io} is served by {@code
 *     registry-1.docker.io})
 * @param port the port, or -1 for the scheme's default
 * @param plainHttp whether to use {@code http} instead of {@code https}
 */
public record RegistryAddress(String name, String apiHost, int port, boolean plainHttp) {
  private static final Pattern HOST_PORT =
      Pattern.compile("(\\[[0-9a-fA-F:.]+\\]|[A-Za-z0-9][A-Za-z0-9.-]*)(?::([0-9]{1,5}))?");

  public RegistryAddress {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(apiHost, "apiHost");
    if (port != -1 && (port < 1 || port > 65535)) {
      throw new IllegalArgumentException("invalid port " + port + " for registry " + name);
    }
  }

  /**
   * Parses {@code host[:port]} (an {@code http://} or {@code https://} prefix is accepted).
   *
   * @param insecure registries ({@code host} or {@code host:port}) allowed over plain HTTP
   * @throws IllegalArgumentException for a malformed address, or {@code http://} for a registry
   *     that is neither loopback nor listed as insecure
   */
  public static RegistryAddress parse(String registry, Collection<String> insecure) {
    Objects.requireNonNull(registry, "registry");
    String s = registry.trim();
    Boolean wantsHttp = null;
    String lower = s.toLowerCase(Locale.ROOT);
    if (lower.startsWith("http://")) {
      wantsHttp = true;
      s = s.substring(7);
    } else if (lower.startsWith("https://")) {
      wantsHttp = false;
      s = s.substring(8);
    }
    if (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    Matcher m = HOST_PORT.matcher(s);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "invalid registry '" + registry + "': expected host[:port], e.g. 127.0.0.1:5000");
    }
    String host = m.group(1).toLowerCase(Locale.ROOT);
    int port = m.group(2) == null ? -1 : Integer.parseInt(m.group(2));
    String name = port == -1 ? host : host + ":" + port;
    boolean mayUseHttp = isLoopback(host) || listed(insecure, host, name);
    if (Boolean.TRUE.equals(wantsHttp) && !mayUseHttp) {
      throw new IllegalArgumentException(
          "plain HTTP to registry "
              + name
              + " is only allowed for loopback hosts or registries listed as insecure");
    }
    boolean plainHttp = wantsHttp == null ? mayUseHttp : wantsHttp;
    String apiHost =
        switch (host) {
          case "docker.io", "index.docker.io" -> "registry-1.docker.io";
          default -> host;
        };
    return new RegistryAddress(name, apiHost, port, plainHttp);
  }

  private static boolean listed(Collection<String> insecure, String host, String name) {
    if (insecure == null) {
      return false;
    }
    for (String entry : insecure) {
      String e = entry.trim().toLowerCase(Locale.ROOT);
      if (e.equals(host) || e.equals(name)) {
        return true;
      }
    }
    return false;
  }

  /** {@code localhost}, {@code 127.0.0.0/8} and {@code ::1}, decided without DNS. */
  public static boolean isLoopback(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    return h.equals("localhost")
        || h.endsWith(".localhost")
        || Set.of("::1", "0:0:0:0:0:0:0:1").contains(h)
        || h.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
  }

  /** {@code http(s)://apiHost[:port]}, without a trailing slash. */
  public String baseUrl() {
    return (plainHttp ? "http" : "https") + "://" + apiHost + (port == -1 ? "" : ":" + port);
  }

  @Override
  public String toString() {
    return name;
  }
}
