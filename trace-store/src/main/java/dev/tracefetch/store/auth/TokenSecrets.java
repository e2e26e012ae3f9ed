package dev.tracefetch.store.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Makes and checks bearer tokens. A token is {@code tft_<16 hex id>_<43 base64url secret>}: the id
 * finds the stored row, 256 random bits make guessing hopeless, and only a SHA-256 of the whole
 * token is stored (a slow password hash buys nothing for secrets this random) and compared in
 * constant time.
 */
public final class TokenSecrets {
  private static final Pattern FORMAT = Pattern.compile("tft_([0-9a-f]{16})_([A-Za-z0-9_-]{43})");
  private static final SecureRandom RANDOM = new SecureRandom();

  private TokenSecrets() {}

  /** A parsed token: the id to look up and the full text to hash. */
  public record Presented(String id, String token) {}

  public static String newId() {
    byte[] id = new byte[8];
    RANDOM.nextBytes(id);
    return HexFormat.of().formatHex(id);
  }

  public static String newToken(String id) {
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    return "tft_" + id + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
  }

  /** Empty when {@code token} does not have the shape of a token this store issues. */
  public static Optional<Presented> parse(String token) {
    Matcher m = FORMAT.matcher(token);
    return m.matches() ? Optional.of(new Presented(m.group(1), token)) : Optional.empty();
  }

  public static byte[] hash(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  /** Constant-time comparison of {@code token}'s hash with a stored hash. */
  public static boolean matches(String token, byte[] storedHash) {
    return MessageDigest.isEqual(hash(token), storedHash);
  }
}
