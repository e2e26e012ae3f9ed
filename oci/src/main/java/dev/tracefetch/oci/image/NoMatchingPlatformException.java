package dev.tracefetch.oci.image;

import java.util.List;

/**
 * An image index has no entry for the wanted platform. The message lists what the index offers so
 * that the user can choose another platform or image.
 */
public final class NoMatchingPlatformException extends ImageFormatException {
  private static final long serialVersionUID = 1L;

  private final transient Platform wanted;
  private final transient List<String> available;

  public NoMatchingPlatformException(Platform wanted, List<String> available) {
    super(
        "no image for platform "
            + wanted
            + " in image index; available platforms: "
            + (available.isEmpty() ? "(none)" : String.join(", ", available)));
    this.wanted = wanted;
    this.available = List.copyOf(available);
  }

  public Platform wanted() {
    return wanted;
  }

  /** The platforms the index offers, as {@code os/arch[/variant]} (or {@code (no platform)}). */
  public List<String> available() {
    return available;
  }
}
