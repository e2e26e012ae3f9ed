package dev.tracefetch.oci.testing;

import dev.tracefetch.oci.image.Descriptor;
import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.image.RawManifest;
import java.util.List;

/**
 * What {@link TestImage#push} put into a registry: where, under which digest, and everything a test
 * needs to check what it reads back.
 *
 * @param registry {@code host:port}
 * @param repository the repository
 * @param tag the tag
 * @param manifestDigest the digest of the pushed manifest
 * @param image the image that was pushed (blobs, config, expected tree)
 */
public record PushedImage(
    String registry, String repository, String tag, Digest manifestDigest, TestImage image) {

  /** {@code host:port/repository:tag}. */
  public String reference() {
    return registry + "/" + repository + ":" + tag;
  }

  /** {@code host:port/repository@sha256:...}. */
  public String digestReference() {
    return registry + "/" + repository + "@" + manifestDigest;
  }

  public RawManifest manifest() {
    return image.manifest();
  }

  public Descriptor manifestDescriptor() {
    return image.manifest().descriptor();
  }

  public Descriptor configDescriptor() {
    return image.configDescriptor();
  }

  public List<Descriptor> layerDescriptors() {
    return image.layers().stream().map(TestImage.Layer::descriptor).toList();
  }

  public List<Digest> diffIds() {
    return image.layers().stream().map(TestImage.Layer::diffId).toList();
  }

  public ExpectedTree expectedTree() {
    return image.expectedTree();
  }
}
