package dev.tracefetch.layer.estargz;

import dev.tracefetch.layer.tar.TarEntryType;
import dev.tracefetch.layer.tar.TarFormatException;
import dev.tracefetch.layer.tar.TarHeader;
import dev.tracefetch.layer.tar.TarReader;
import dev.tracefetch.oci.image.Descriptor;
import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.image.DigestMismatchException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Opens an eStargz layer from a {@link BlobRangeReader} the way a lazy mount must: footer and TOC
 * only, usually in a single range request of the blob's tail, never the layer itself. The TOC is
 * size-limited before it is inflated into memory, checked against the manifest's {@value
 * Estargz#TOC_DIGEST_ANNOTATION} when one is given, and validated by {@link EstargzIndex}.
 */
public final class EstargzReader {
  private EstargzReader() {}

  /**
   * Reads footer and TOC of {@code blob} and builds its index.
   *
   * @param layer how to name the layer in errors and logs (usually its digest)
   * @param blob the blob
   * @param expectedTocDigest the layer descriptor's TOC digest annotation, or null to skip the
   *     check (only for blobs whose integrity is established otherwise)
   * @param limits size limits
   * @throws InvalidEstargzException for a missing footer, a malformed or oversized TOC, or a TOC
   *     failing validation
   * @throws DigestMismatchException when the TOC does not match {@code expectedTocDigest}
   */
  public static EstargzIndex open(
      String layer, BlobRangeReader blob, Digest expectedTocDigest, EstargzLimits limits)
      throws IOException {
    long size = blob.size();
    if (size < EstargzFooter.LEGACY_SIZE) {
      throw new InvalidEstargzException(
          "layer " + layer + ": blob of " + size + " bytes is too small to hold an eStargz footer");
    }
    int tailLength = (int) Math.min(size, limits.tailReadSize());
    long tailStart = size - tailLength;
    byte[] tail = blob.read(tailStart, tailLength);
    if (tail.length != tailLength) {
      throw new IOException(
          "layer "
              + layer
              + ": short read of blob tail ("
              + tail.length
              + " of "
              + tailLength
              + ")");
    }
    EstargzFooter footer;
    try {
      footer = EstargzFooter.parse(tail);
    } catch (InvalidEstargzException e) {
      throw new InvalidEstargzException("layer " + layer + ": " + e.getMessage(), e);
    }
    long tocEnd = size - footer.size();
    long tocOffset = footer.tocOffset();
    if (tocOffset >= tocEnd) {
      throw new InvalidEstargzException(
          "layer "
              + layer
              + ": footer points at TOC offset "
              + tocOffset
              + ", past the end of the blob's data at "
              + tocEnd);
    }
    long compressedLength = tocEnd - tocOffset;
    if (compressedLength > limits.maxCompressedTocSize()) {
      throw new InvalidEstargzException(
          "layer "
              + layer
              + ": compressed TOC is "
              + compressedLength
              + " bytes, over the limit of "
              + limits.maxCompressedTocSize());
    }
    byte[] compressed =
        tocOffset >= tailStart
            ? Arrays.copyOfRange(tail, (int) (tocOffset - tailStart), (int) (tocEnd - tailStart))
            : blob.read(tocOffset, (int) compressedLength);
    byte[] json = inflateToc(layer, compressed, limits);
    Digest tocDigest = Digest.of(json);
    if (expectedTocDigest != null && !expectedTocDigest.equals(tocDigest)) {
      throw new DigestMismatchException("TOC of layer " + layer, expectedTocDigest, tocDigest);
    }
    Toc toc;
    try {
      toc = TocJson.parse(json);
    } catch (InvalidEstargzException e) {
      throw new InvalidEstargzException("layer " + layer + ": " + e.getMessage(), e);
    }
    return EstargzIndex.build(layer, toc, tocDigest, tocOffset, limits);
  }

  /**
   * Opens the layer {@code layer} describes, as a lazy mount does: the blob must have the
   * descriptor's size and a TOC matching its {@value Estargz#TOC_DIGEST_ANNOTATION} annotation;
   * errors name the layer by digest.
   *
   * @throws InvalidEstargzException when the descriptor has no usable TOC digest annotation or the
   *     blob's size differs from the descriptor's
   */
  public static EstargzIndex open(Descriptor layer, BlobRangeReader blob, EstargzLimits limits)
      throws IOException {
    String name = layer.digest().toString();
    Digest toc =
        Estargz.tocDigest(layer)
            .orElseThrow(
                () ->
                    new InvalidEstargzException(
                        "layer "
                            + name
                            + " has no valid "
                            + Estargz.TOC_DIGEST_ANNOTATION
                            + " annotation, so its TOC cannot be verified"));
    if (blob.size() != layer.size()) {
      throw new InvalidEstargzException(
          "layer " + name + ": blob is " + blob.size() + " bytes, descriptor says " + layer.size());
    }
    return open(name, blob, toc, limits);
  }

  /** Opens with default limits. */
  public static EstargzIndex open(String layer, BlobRangeReader blob, Digest expectedTocDigest)
      throws IOException {
    return open(layer, blob, expectedTocDigest, EstargzLimits.defaults());
  }

  /** Extracts the TOC JSON from the TOC's gzip member (one tar entry named stargz.index.json). */
  static byte[] inflateToc(String layer, byte[] member, EstargzLimits limits) throws IOException {
    try (InputStream gz =
            GzipCompressorInputStream.builder()
                .setInputStream(new ByteArrayInputStream(member))
                .setDecompressConcatenated(false)
                .get();
        TarReader tar = new TarReader(gz)) {
      TarHeader h = tar.next();
      if (h == null) {
        throw new InvalidEstargzException("layer " + layer + ": TOC member holds no tar entry");
      }
      if (!h.name().equals(Estargz.TOC_TAR_NAME) || h.type() != TarEntryType.REGULAR) {
        throw new InvalidEstargzException(
            "layer "
                + layer
                + ": TOC tar entry is '"
                + h.name()
                + "' ("
                + h.type()
                + "), expected regular file '"
                + Estargz.TOC_TAR_NAME
                + "'");
      }
      if (h.size() > limits.maxTocJsonSize()) {
        throw new InvalidEstargzException(
            "layer "
                + layer
                + ": TOC JSON is "
                + h.size()
                + " bytes, over the limit of "
                + limits.maxTocJsonSize());
      }
      byte[] json = tar.payload().readNBytes((int) h.size());
      if (json.length != h.size()) {
        throw new InvalidEstargzException("layer " + layer + ": TOC JSON is truncated");
      }
      return json;
    } catch (TarFormatException e) {
      throw new InvalidEstargzException("layer " + layer + ": TOC member: " + e.getMessage(), e);
    } catch (InvalidEstargzException e) {
      throw e;
    } catch (IOException e) {
      throw new InvalidEstargzException(
          "layer " + layer + ": TOC member is not valid gzip: " + e.getMessage(), e);
    }
  }
}
