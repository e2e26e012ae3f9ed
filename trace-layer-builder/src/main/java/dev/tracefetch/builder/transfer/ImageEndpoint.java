package dev.tracefetch.builder.transfer;

import dev.tracefetch.oci.image.ImageReference;
import dev.tracefetch.oci.image.ImageSource;
import dev.tracefetch.oci.image.OciLayoutReference;
import dev.tracefetch.oci.layout.OciLayout;
import java.io.IOException;
import java.util.Objects;

/**
 * An image as a command line names it, opened: the repository it lives in and the reference (tag or
 * digest) within it. Source and destination of builder commands are both endpoints.
 *
 * @param repository where the image lives
 * @param reference tag or {@code sha256:} digest; null for a layout that holds one untagged image
 */
public record ImageEndpoint(ImageRepository repository, String reference) {
  /** The tag a layout destination gets when {@code oci:DIR} names none. */
  public static final String DEFAULT_LAYOUT_TAG = "latest";

  public ImageEndpoint {
    Objects.requireNonNull(repository, "repository");
  }

  /** Opens {@code source} for reading; a layout must exist. */
  public static ImageEndpoint openForReading(ImageSource source, RegistryClients clients)
      throws IOException {
    if (source instanceof OciLayoutReference layout) {
      return new ImageEndpoint(
          new LayoutRepository(OciLayout.open(layout.directory())), layout.tag());
    }
    ImageReference ref = (ImageReference) source;
    return new ImageEndpoint(
        new RegistryRepository(clients.get(ref.registry()), ref.repository()), ref.reference());
  }

  /**
   * Opens {@code destination} for writing: a layout directory is created if missing or empty and
   * gets tag {@value #DEFAULT_LAYOUT_TAG} unless one is named; a registry destination needs a tag.
   *
   * @throws IllegalArgumentException for a registry destination given only by digest
   */
  public static ImageEndpoint openForWriting(ImageSource destination, RegistryClients clients)
      throws IOException {
    if (destination instanceof OciLayoutReference layout) {
      return new ImageEndpoint(
          new LayoutRepository(OciLayout.create(layout.directory())),
          layout.optionalTag().orElse(DEFAULT_LAYOUT_TAG));
    }
    ImageReference ref = (ImageReference) destination;
    if (ref.tag().isEmpty() || ref.digest().isPresent()) {
      throw new IllegalArgumentException(
          "destination "
              + ref
              + " must name a tag, not a digest: the new image's digest is not known in advance");
    }
    return new ImageEndpoint(
        new RegistryRepository(clients.get(ref.registry()), ref.repository()), ref.tag().get());
  }

  /** {@code host:port/repo:tag} or {@code oci:DIR:tag}, for messages. */
  public String describe() {
    return repository.describe(reference);
  }

  @Override
  public String toString() {
    return describe();
  }
}
