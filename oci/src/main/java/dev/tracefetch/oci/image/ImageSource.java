package dev.tracefetch.oci.image;

/**
 * Where an image comes from, as a user writes it on a command line: a registry reference ({@code
 * registry.example.com/app:1}, optionally prefixed {@code docker://}) or an OCI image layout
 * directory ({@code oci:DIR[:TAG]}, skopeo's syntax). Commands take either, so they parse with
 * {@link #parse} and switch on the type.
 */
public sealed interface ImageSource permits ImageReference, OciLayoutReference {

  /**
   * Parses {@code oci:DIR[:TAG]} as an {@link OciLayoutReference}, {@code docker://REF} and
   * anything else as an {@link ImageReference}.
   *
   * @throws IllegalArgumentException naming the input when it is neither
   */
  static ImageSource parse(String input) {
    if (input != null && input.startsWith(OciLayoutReference.PREFIX)) {
      return OciLayoutReference.parse(input);
    }
    if (input != null && input.startsWith("docker://")) {
      return ImageReference.parse(input.substring("docker://".length()));
    }
    return ImageReference.parse(input);
  }
}
