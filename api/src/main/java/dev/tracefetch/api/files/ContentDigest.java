package dev.tracefetch.api.files;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The identity of an uploaded trace: {@code sha256:<hex>} of the exact file bytes. A re-sent trace
 * has the same digest, which is what makes uploads idempotent.
 */
public final class ContentDigest {
  private ContentDigest() {}

  public static String of(byte[] fileBytes) {
    try {
      return "sha256:"
          + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(fileBytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }
}
