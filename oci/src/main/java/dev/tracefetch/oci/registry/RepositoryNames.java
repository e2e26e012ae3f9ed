package dev.tracefetch.oci.registry;

import dev.tracefetch.oci.image.Digest;
import java.util.regex.Pattern;

/** Validates repository names and references before they are put into URLs. */
final class RepositoryNames {
  private static final Pattern REPOSITORY =
      Pattern.compile(
          "[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*)*");
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");

  private RepositoryNames() {}

  static String repository(String name) {
    if (name == null || name.length() > 255 || !REPOSITORY.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "invalid repository name '"
              + name
              + "': expected lowercase path components like 'team/app'");
    }
    return name;
  }

  /** A tag or a {@code sha256:} digest. */
  static String reference(String reference) {
    if (reference != null && reference.contains(":")) {
      return Digest.parse(reference).toString();
    }
    return tag(reference);
  }

  static String tag(String tag) {
    if (tag == null || !TAG.matcher(tag).matches()) {
      throw new IllegalArgumentException(
          "invalid tag '" + tag + "': expected [A-Za-z0-9_][A-Za-z0-9._-]{0,127}");
    }
    return tag;
  }

  /** {@code tag v1} or the digest itself, for messages. */
  static String describe(String reference) {
    return isDigest(reference) ? reference : "tag " + reference;
  }

  static boolean isDigest(String reference) {
    return reference.contains(":");
  }
}
