package dev.tracefetch.oci.image;

import java.io.IOException;
import java.io.InputStream;

/**
 * Read access to one repository's images, whether they sit in a registry or in an OCI layout
 * directory. It is deliberately tiny (a manifest by reference, a blob by digest) so that both
 * sources can implement it fully and code that consumes images (lazy mounts, builders, copiers)
 * does not care where they come from; anything transport-specific (ranges, uploads, auth) stays on
 * the concrete classes.
 *
 * <p>Implementations verify what they return: a manifest fetched by digest hashes to that digest,
 * and a blob stream fails with {@link DigestMismatchException} at its end rather than completing
 * normally when the bytes do not match.
 */
public interface ImageStore {

  /**
   * The manifest or index that {@code reference} (a tag, or a digest as {@code sha256:...}) names,
   * as exact bytes.
   *
   * @throws ContentNotFoundException if there is no such tag or manifest
   */
  RawManifest manifest(String reference) throws IOException;

  /**
   * A stream of the blob {@code digest} names. The stream verifies the digest while it is read:
   * reading to the end throws {@link DigestMismatchException} instead of signalling end of stream
   * if the content is wrong, so callers must read to the end before trusting what they got.
   *
   * @throws ContentNotFoundException if there is no such blob
   */
  InputStream blob(Digest digest) throws IOException;

  /**
   * The image manifest for {@code platform} behind {@code reference}, following image indexes
   * (nested ones too) by {@link ImageIndex#select}.
   *
   * @throws NoMatchingPlatformException if an index has no entry for {@code platform}
   */
  default RawManifest resolveImage(String reference, Platform platform) throws IOException {
    RawManifest raw = manifest(reference);
    String path = reference;
    for (int depth = 0; raw.isIndex(); depth++) {
      if (depth >= 4) {
        throw new ImageFormatException(
            "image indexes nested more than 4 deep behind '" + reference + "'");
      }
      ImageIndex index = (ImageIndex) raw.parse();
      Descriptor chosen = index.select(platform);
      RawManifest child = manifest(chosen.digest().toString());
      path = path + " -> " + chosen.digest();
      child.verify(chosen.digest(), "manifest " + path);
      if (!child.mediaType().equals(chosen.mediaType())) {
        throw new ImageFormatException(
            "manifest "
                + path
                + " is "
                + child.mediaType()
                + " but its index entry says "
                + chosen.mediaType());
      }
      raw = child;
    }
    return raw;
  }
}
