package dev.tracefetch.oci.registry.auth;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/**
 * A user name and password (or token used as password) for one registry. {@link #toString()} never
 * shows the password, so credentials can end up in logs and exception messages safely.
 *
 * @param username the user name, not empty
 * @param password the password or personal access token
 */
public record Credentials(String username, String password) {
  public Credentials {
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
    if (username.isEmpty()) {
      throw new IllegalArgumentException("registry credentials need a non-empty user name");
    }
  }

  /** The value of an HTTP {@code Authorization: Basic ...} header for these credentials. */
  public String basicAuthorization() {
    String pair = username + ":" + password;
    return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return "Credentials[username=" + username + ", password=***]";
  }
}
