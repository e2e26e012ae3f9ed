package dev.tracefetch.layer.estargz;

import dev.tracefetch.oci.image.Descriptor;
import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.image.MediaTypes;
import java.util.Optional;

/**
 * Names and numbers fixed by the eStargz format (stargz-snapshotter estargz/types.go and
 * docs/estargz.md), and how to tell an eStargz layer from a plain {@code tar.gz} one. Kept in one
 * place so that writer, reader, FUSE layer and builder cannot drift apart.
 */
public final class Estargz {
  private Estargz() {}

  /** Name of the TOC tar entry, the last entry of the blob. */
  public static final String TOC_TAR_NAME = "stargz.index.json";

  /** Layer annotation: digest of the exact TOC JSON bytes. */
  public static final String TOC_DIGEST_ANNOTATION = "containerd.io/snapshot/stargz/toc.digest";

  /** Layer annotation: decimal size of the uncompressed layer (for containers/storage). */
  public static final String UNCOMPRESSED_SIZE_ANNOTATION =
      "io.containers.estargz.uncompressed-size";

  /** Entry marking the end of the prioritized (prefetched) files. */
  public static final String PREFETCH_LANDMARK = ".prefetch.landmark";

  /** Entry marking a layer without prioritized files. */
  public static final String NO_PREFETCH_LANDMARK = ".no.prefetch.landmark";

  /** The single byte every landmark file contains. */
  public static final byte LANDMARK_CONTENT = 0x0f;

  /** Default size of the chunks large regular files are split into. */
  public static final int DEFAULT_CHUNK_SIZE = 4 << 20;

  /**
   * Whether the manifest calls this layer eStargz: a gzip layer with a valid TOC digest annotation.
   * (stargz-snapshotter's zstd:chunked layers carry the same annotation on a zstd media type; they
   * are not eStargz.)
   */
  public static boolean isEstargz(Descriptor layer) {
    return isGzipLayer(layer.mediaType()) && tocDigest(layer).isPresent();
  }

  /** The TOC digest annotation of {@code layer}, when present and well-formed. */
  public static Optional<Digest> tocDigest(Descriptor layer) {
    String value = layer.annotations().get(TOC_DIGEST_ANNOTATION);
    if (value == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Digest.parse(value));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * Whether a blob ending with {@code blobTail} (its last {@link EstargzFooter#SIZE} or more bytes)
   * has an eStargz or legacy stargz footer. For layers whose manifest lacks the annotation.
   */
  public static boolean isEstargz(byte[] blobTail) {
    return EstargzFooter.find(blobTail).isPresent();
  }

  /** Whether {@code normalizedName} is one of the two landmark files. */
  public static boolean isLandmark(String normalizedName) {
    return PREFETCH_LANDMARK.equals(normalizedName) || NO_PREFETCH_LANDMARK.equals(normalizedName);
  }

  private static boolean isGzipLayer(String mediaType) {
    return mediaType.equals(MediaTypes.DOCKER_LAYER_GZIP) || mediaType.endsWith(".tar+gzip");
  }
}
