package dev.tracefetch.oci.image;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Objects;

/**
 * A manifest or index as exact bytes plus media type. Digests are over exact bytes, so anything
 * that only passes a manifest along (copy, tag, mirror) must keep this rather than re-serialise a
 * parsed {@link ManifestOrIndex}. Immutable: the bytes are copied in and out.
 */
public final class RawManifest {
  /**
   * Largest manifest we read (4 MiB): the distribution spec's minimum a registry must accept, and a
   * guard against reading unbounded data into memory.
   */
  public static final int MAX_SIZE = 4 * 1024 * 1024;

  private final String mediaType;
  private final byte[] bytes;
  private final Digest digest;

  /**
   * @param mediaType the document's media type (a known manifest or index type)
   * @param bytes the exact bytes
   */
  public RawManifest(String mediaType, byte[] bytes) {
    Objects.requireNonNull(mediaType, "mediaType");
    if (!MediaTypes.isManifest(mediaType) && !MediaTypes.isIndex(mediaType)) {
      throw new IllegalArgumentException(
          "unsupported manifest media type '"
              + mediaType
              + "'; supported: "
              + MediaTypes.MANIFEST_ACCEPT);
    }
    this.mediaType = mediaType;
    this.bytes = bytes.clone();
    this.digest = Digest.of(this.bytes);
  }

  /**
   * Wraps bytes received with {@code contentType} (HTTP header, descriptor media type or null),
   * settling the media type as {@link ManifestOrIndex#mediaTypeOf} does.
   */
  public static RawManifest of(String contentType, byte[] bytes) throws ImageFormatException {
    if (bytes.length > MAX_SIZE) {
      throw new ImageFormatException(
          "manifest is " + bytes.length + " bytes, larger than the limit of " + MAX_SIZE);
    }
    return new RawManifest(ManifestOrIndex.mediaTypeOf(contentType, bytes), bytes);
  }

  public String mediaType() {
    return mediaType;
  }

  /** A copy of the exact bytes. */
  public byte[] bytes() {
    return bytes.clone();
  }

  public InputStream openStream() {
    return new ByteArrayInputStream(bytes);
  }

  public int size() {
    return bytes.length;
  }

  /** The digest of the exact bytes: what registries and layouts address this manifest by. */
  public Digest digest() {
    return digest;
  }

  /** A descriptor pointing at this manifest. */
  public Descriptor descriptor() {
    return Descriptor.of(mediaType, digest, bytes.length);
  }

  public boolean isIndex() {
    return MediaTypes.isIndex(mediaType);
  }

  /**
   * Checks that these bytes are the ones {@code expected} names.
   *
   * @param what names the manifest in the error (e.g. registry, repository and reference)
   */
  public RawManifest verify(Digest expected, String what) throws DigestMismatchException {
    if (!digest.equals(expected)) {
      throw new DigestMismatchException(what, expected, digest);
    }
    return this;
  }

  public ManifestOrIndex parse() throws ImageFormatException {
    return ManifestOrIndex.parse(mediaType, bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RawManifest r
        && r.mediaType.equals(mediaType)
        && r.digest.equals(digest)
        && Arrays.equals(r.bytes, bytes);
  }

  @Override
  public int hashCode() {
    return digest.hashCode();
  }

  @Override
  public String toString() {
    return "RawManifest[" + mediaType + ", " + digest + ", " + bytes.length + " bytes]";
  }
}
