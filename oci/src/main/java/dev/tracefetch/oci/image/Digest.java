package dev.tracefetch.oci.image;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A validated content digest ({@code sha256:<64 lowercase hex>}). Everything in an OCI image is
 * addressed by digest, so an invalid one is rejected where it enters the program, not where it is
 * first used.
 */
public final class Digest implements Comparable<Digest> {
  private static final Pattern SHA256 = Pattern.compile("sha256:[0-9a-f]{64}");
  private static final HexFormat HEX = HexFormat.of();

  private final String value;

  private Digest(String value) {
    this.value = value;
  }

  /** Parses {@code sha256:<64 hex>}; throws {@link IllegalArgumentException} naming the input. */
  public static Digest parse(String value) {
    Objects.requireNonNull(value, "digest");
    if (!SHA256.matcher(value).matches()) {
      throw new IllegalArgumentException(
          "invalid digest '" + abbreviate(value) + "': expected sha256:<64 lowercase hex digits>");
    }
    return new Digest(value);
  }

  /** Builds a digest from the 32 raw bytes of a SHA-256 hash. */
  public static Digest ofSha256Bytes(byte[] hash) {
    if (hash.length != 32) {
      throw new IllegalArgumentException("a SHA-256 hash has 32 bytes, got " + hash.length);
    }
    return new Digest("sha256:" + HEX.formatHex(hash));
  }

  /** The digest of {@code data}. */
  public static Digest of(byte[] data) {
    return ofSha256Bytes(newSha256().digest(data));
  }

  /** The digest of the UTF-8 bytes of {@code text}. */
  public static Digest ofUtf8(String text) {
    return of(text.getBytes(StandardCharsets.UTF_8));
  }

  /** A fresh SHA-256 {@link MessageDigest}, for digesting while streaming. */
  public static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  /** The algorithm name, always {@code sha256}. */
  public String algorithm() {
    return "sha256";
  }

  /** The 64 hex digits after {@code sha256:}. */
  public String hex() {
    return value.substring(7);
  }

  @Override
  public String toString() {
    return value;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Digest d && d.value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public int compareTo(Digest o) {
    return value.compareTo(o.value);
  }

  private static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }
}
