package dev.tracefetch.replayer.discovery;

import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.image.ImageFormatException;
import dev.tracefetch.oci.image.ImageManifest;
import dev.tracefetch.oci.image.ImageReference;
import dev.tracefetch.oci.image.RawManifest;
import java.util.Objects;

/**
 * The image a plan must fit: the reference it was mounted from and the exact manifest that is
 * mounted (after following an index). Plans name this manifest digest, so it is what discovery
 * checks every plan against.
 *
 * @param reference where the image was pulled from (registry and repository are used for referrers
 *     and the trace layer)
 * @param manifestDigest digest of the mounted manifest
 * @param manifest the parsed manifest
 */
public record MountedImage(
    ImageReference reference, Digest manifestDigest, ImageManifest manifest) {

  public MountedImage {
    Objects.requireNonNull(reference, "reference");
    Objects.requireNonNull(manifestDigest, "manifestDigest");
    Objects.requireNonNull(manifest, "manifest");
  }

  /** The image behind a mounted manifest; fails if {@code raw} is an index. */
  public static MountedImage of(ImageReference reference, RawManifest raw)
      throws ImageFormatException {
    return new MountedImage(
        reference, raw.digest(), ImageManifest.parse(raw.mediaType(), raw.bytes()));
  }

  @Override
  public String toString() {
    return reference + " (" + manifestDigest + ")";
  }
}
