package dev.tracefetch.layer.estargz;

import dev.tracefetch.oci.image.Descriptor;
import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.image.MediaTypes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What converting a layer to eStargz produced: everything a manifest and an image config need (blob
 * digest and size, diff ID, the two layer annotations) without reading the blob again.
 *
 * @param blobDigest sha256 of the eStargz blob (the layer descriptor's digest)
 * @param blobSize size of the blob in bytes
 * @param tocDigest sha256 of the exact TOC JSON bytes in the blob
 * @param tocOffset blob offset of the TOC's gzip member (as in the footer)
 * @param diffId sha256 of the uncompressed blob, i.e. the layer's diff ID in the image config
 * @param uncompressedSize size of the uncompressed blob
 * @param toc the TOC written
 * @param missedPrioritizedFiles prioritized paths that were not in the layer
 */
public record EstargzResult(
    Digest blobDigest,
    long blobSize,
    Digest tocDigest,
    long tocOffset,
    Digest diffId,
    long uncompressedSize,
    Toc toc,
    List<String> missedPrioritizedFiles) {

  public EstargzResult {
    Objects.requireNonNull(blobDigest, "blobDigest");
    Objects.requireNonNull(tocDigest, "tocDigest");
    Objects.requireNonNull(diffId, "diffId");
    Objects.requireNonNull(toc, "toc");
    missedPrioritizedFiles = List.copyOf(missedPrioritizedFiles);
  }

  /**
   * The annotations an eStargz layer descriptor must carry: {@value Estargz#TOC_DIGEST_ANNOTATION}
   * and {@value Estargz#UNCOMPRESSED_SIZE_ANNOTATION}.
   */
  public Map<String, String> annotations() {
    Map<String, String> a = new LinkedHashMap<>();
    a.put(Estargz.TOC_DIGEST_ANNOTATION, tocDigest.toString());
    a.put(Estargz.UNCOMPRESSED_SIZE_ANNOTATION, Long.toString(uncompressedSize));
    return a;
  }

  /** The layer descriptor, media type {@code application/vnd.oci.image.layer.v1.tar+gzip}. */
  public Descriptor descriptor() {
    return descriptor(MediaTypes.OCI_LAYER_GZIP);
  }

  /** The layer descriptor with the given (gzip layer) media type and the eStargz annotations. */
  public Descriptor descriptor(String mediaType) {
    return Descriptor.of(mediaType, blobDigest, blobSize).withAnnotations(annotations());
  }
}
