package dev.tracefetch.oci.image;

import java.util.Map;
import java.util.Objects;

/**
 * An OCI content descriptor: what a manifest says about a blob or another manifest. Immutable;
 * annotations keep their order of insertion for stable JSON.
 *
 * @param mediaType media type of the referenced content
 * @param digest digest of the referenced content
 * @param size size in bytes of the referenced content
 * @param annotations descriptor annotations (never null)
 * @param artifactType artifact type, set on referrer descriptors (may be null)
 * @param platform platform of an index entry (may be null)
 */
public record Descriptor(
    String mediaType,
    Digest digest,
    long size,
    Map<String, String> annotations,
    String artifactType,
    Platform platform) {

  public Descriptor {
    Objects.requireNonNull(mediaType, "mediaType");
    Objects.requireNonNull(digest, "digest");
    if (size < 0) {
      throw new IllegalArgumentException("descriptor size must be >= 0, got " + size);
    }
    annotations =
        annotations == null
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(annotations));
  }

  /** A descriptor with no annotations, artifact type or platform. */
  public static Descriptor of(String mediaType, Digest digest, long size) {
    return new Descriptor(mediaType, digest, size, Map.of(), null, null);
  }

  /** The descriptor of {@code content} under {@code mediaType}. */
  public static Descriptor ofContent(String mediaType, byte[] content) {
    return of(mediaType, Digest.of(content), content.length);
  }

  /**
   * This descriptor's JSON as the image spec writes it: mediaType, digest, size, then annotations,
   * platform and artifactType only when set.
   */
  public byte[] toJson() {
    return Json.write(DescriptorJson.write(this));
  }

  public Descriptor withAnnotations(Map<String, String> newAnnotations) {
    return new Descriptor(mediaType, digest, size, newAnnotations, artifactType, platform);
  }
}
