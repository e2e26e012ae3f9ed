package dev.tracefetch.oci.registry.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A token from a registry's token server, with the time it stops being valid so the client asks for
 * a new one before the registry starts refusing it.
 *
 * @param value the token, sent as {@code Authorization: Bearer <value>}
 * @param expiresAt when the token expires
 */
public record BearerToken(String value, Instant expiresAt) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Token servers that omit {@code expires_in} mean 60 seconds (Docker token spec). */
  static final Duration DEFAULT_LIFETIME = Duration.ofSeconds(60);

  /** Refresh this long before expiry, so a token does not run out in flight. */
  static final Duration SAFETY_MARGIN = Duration.ofSeconds(10);

  public BearerToken {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }

  /** Whether the token may still be sent at {@code now}. */
  public boolean usableAt(Instant now) {
    return now.plus(SAFETY_MARGIN).isBefore(expiresAt);
  }

  public String authorization() {
    return "Bearer " + value;
  }

  /**
   * Parses a token server answer ({@code token} or {@code access_token}, optional {@code
   * expires_in} seconds), received at {@code now}.
   */
  public static BearerToken parse(byte[] json, Instant now) throws AuthenticationException {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (IOException e) {
      throw new AuthenticationException("token server answer is not JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new AuthenticationException("token server answer is not a JSON object");
    }
    JsonNode token = root.hasNonNull("token") ? root.get("token") : root.get("access_token");
    if (token == null || !token.isTextual() || token.asText().isEmpty()) {
      throw new AuthenticationException("token server answer has no 'token' or 'access_token'");
    }
    Duration lifetime = DEFAULT_LIFETIME;
    JsonNode expiresIn = root.get("expires_in");
    if (expiresIn != null && expiresIn.canConvertToLong() && expiresIn.asLong() > 0) {
      lifetime = Duration.ofSeconds(Math.max(expiresIn.asLong(), DEFAULT_LIFETIME.toSeconds()));
    }
    return new BearerToken(token.asText(), now.plus(lifetime));
  }

  @Override
  public String toString() {
    return "BearerToken[expiresAt=" + expiresAt + "]";
  }
}
