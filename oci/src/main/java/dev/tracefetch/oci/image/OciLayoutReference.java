package dev.tracefetch.oci.image;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An image in an OCI image layout directory, written {@code oci:DIR[:TAG]} as skopeo does: the
 * directory is everything up to the first {@code :} after the prefix (so it cannot contain one),
 * the tag the rest. Without a tag, the layout must hold exactly one image.
 *
 * @param directory the layout directory
 * @param tag the {@code org.opencontainers.image.ref.name} to use (may be null)
 */
public record OciLayoutReference(Path directory, String tag) implements ImageSource {
  /** The prefix of the written form. */
  public static final String PREFIX = "oci:";

  /**
   * The grammar of {@code org.opencontainers.image.ref.name} values (image-spec annotations.md):
   * components of alphanumerics joined by {@code -._:@+} or {@code --}, separated by {@code /}.
   */
  private static final Pattern REF_NAME =
      Pattern.compile(
          "[A-Za-z0-9]+(?:(?:[-._:@+]|--)[A-Za-z0-9]+)*(?:/[A-Za-z0-9]+(?:(?:[-._:@+]|--)[A-Za-z0-9]+)*)*");

  public OciLayoutReference {
    Objects.requireNonNull(directory, "directory");
    if (tag != null) {
      checkTag(tag);
    }
  }

  /** Parses {@code oci:DIR[:TAG]}; errors name the input. */
  public static OciLayoutReference parse(String input) {
    Objects.requireNonNull(input, "OCI layout reference");
    if (!input.startsWith(PREFIX)) {
      throw new IllegalArgumentException(
          "invalid OCI layout reference '" + input + "': must start with '" + PREFIX + "'");
    }
    String rest = input.substring(PREFIX.length());
    int colon = rest.indexOf(':');
    String dir = colon < 0 ? rest : rest.substring(0, colon);
    String tag = colon < 0 ? null : rest.substring(colon + 1);
    if (dir.isEmpty()) {
      throw new IllegalArgumentException(
          "invalid OCI layout reference '" + input + "': directory is empty");
    }
    if (tag != null && tag.isEmpty()) {
      throw new IllegalArgumentException(
          "invalid OCI layout reference '" + input + "': tag after ':' is empty");
    }
    if (tag != null && !REF_NAME.matcher(tag).matches()) {
      throw new IllegalArgumentException(
          "invalid OCI layout reference '"
              + input
              + "': tag '"
              + tag
              + "' is not a valid org.opencontainers.image.ref.name");
    }
    try {
      return new OciLayoutReference(Path.of(dir), tag);
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException(
          "invalid OCI layout reference '" + input + "': bad directory: " + e.getMessage(), e);
    }
  }

  /** Throws {@link IllegalArgumentException} unless {@code tag} is a valid layout ref name. */
  public static void checkTag(String tag) {
    if (tag == null || !REF_NAME.matcher(tag).matches()) {
      throw new IllegalArgumentException(
          "invalid OCI layout tag '" + tag + "': not a valid org.opencontainers.image.ref.name");
    }
  }

  public Optional<String> optionalTag() {
    return Optional.ofNullable(tag);
  }

  @Override
  public String toString() {
    return PREFIX + directory + (tag == null ? "" : ":" + tag);
  }
}
