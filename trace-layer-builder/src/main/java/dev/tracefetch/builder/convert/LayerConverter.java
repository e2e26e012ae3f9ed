package dev.tracefetch.builder.convert;

import dev.tracefetch.builder.transfer.CountingInputStream;
import dev.tracefetch.builder.transfer.ImageRepository;
import dev.tracefetch.layer.estargz.BlobRangeReader;
import dev.tracefetch.layer.estargz.Estargz;
import dev.tracefetch.layer.estargz.EstargzFooter;
import dev.tracefetch.layer.estargz.EstargzIndex;
import dev.tracefetch.layer.estargz.EstargzLimits;
import dev.tracefetch.layer.estargz.EstargzReader;
import dev.tracefetch.layer.estargz.EstargzResult;
import dev.tracefetch.layer.estargz.EstargzWriter;
import dev.tracefetch.layer.estargz.InvalidEstargzException;
import dev.tracefetch.layer.tar.LayerCompression;
import dev.tracefetch.oci.image.Descriptor;
import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.image.DigestMismatchException;
import dev.tracefetch.oci.registry.BlobPushResult;
import dev.tracefetch.oci.registry.RegistryException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Brings one layer of a source image to the destination as eStargz: keeps it when it already is
 * one, otherwise downloads it (verified) through the decompressor into an uncompressed spool file,
 * checks the result against the config's diff ID, writes the eStargz blob to a second temporary
 * file and uploads that. Nothing is held in memory beyond stream buffers; both temporary files are
 * deleted when the layer is done, whatever happened.
 */
final class LayerConverter {
  private final Function<List<String>, EstargzWriter> writers;
  private final ImageRepository source;
  private final String sourceName;
  private final ImageRepository target;
  private final String targetLayerType;
  private final Path tempDirectory;
  private final ConversionListener listener;

  LayerConverter(
      Function<List<String>, EstargzWriter> writers,
      ImageRepository source,
      String sourceName,
      ImageRepository target,
      String targetLayerType,
      Path tempDirectory,
      ConversionListener listener) {
    this.writers = writers;
    this.source = source;
    this.sourceName = sourceName;
    this.target = target;
    this.targetLayerType = targetLayerType;
    this.tempDirectory = tempDirectory;
    this.listener = listener;
  }

  /**
   * Brings one layer over.
   *
   * @param prioritizedFiles paths to put first in the layer
   * @param rewrite whether to rewrite the layer even when it is eStargz already (reordering files
   *     is the point of prioritizing, so a non-empty {@code prioritizedFiles} implies it)
   */
  ConvertedLayer process(
      int index,
      int count,
      Descriptor layer,
      Digest sourceDiffId,
      List<String> prioritizedFiles,
      boolean rewrite)
      throws IOException {
    boolean reconvertEstargz = rewrite || !prioritizedFiles.isEmpty();
    String name =
        "layer " + (index + 1) + "/" + count + " (" + layer.digest() + ") of " + sourceName;
    try {
      if (!reconvertEstargz) {
        Optional<ConvertedLayer> kept = keepIfEstargz(index, name, layer, sourceDiffId);
        if (kept.isPresent()) {
          return kept.get();
        }
      }
      return convert(index, name, layer, sourceDiffId, prioritizedFiles);
    } catch (RegistryException
        | ConversionException
        | InterruptedIOException
        | ClosedByInterruptException e) {
      throw e;
    } catch (IOException e) {
      throw new ConversionException(name + ": " + e.getMessage(), e);
    }
  }

  /** The outcome for a layer that is eStargz already, or empty when it must be converted. */
  private Optional<ConvertedLayer> keepIfEstargz(
      int index, String name, Descriptor layer, Digest sourceDiffId) throws IOException {
    if (Estargz.isEstargz(layer)) {
      Digest toc = Estargz.tocDigest(layer).orElseThrow();
      try {
        EstargzReader.open(layer, source.blobRanges(layer), EstargzLimits.defaults());
      } catch (InvalidEstargzException | DigestMismatchException e) {
        listener.warning(
            name
                + " is annotated as eStargz but is not valid eStargz; converting it: "
                + e.getMessage());
        return Optional.empty();
      }
      if (LayerMediaTypes.hasEstargzAnnotations(layer.annotations())) {
        BlobPushResult push =
            target.copyBlobFrom(source, layer, tempDirectory, listener::bytesTransferred);
        return Optional.of(
            new ConvertedLayer(
                index,
                layer,
                layer,
                sourceDiffId,
                sourceDiffId,
                LayerAction.KEPT,
                null,
                push,
                List.of()));
      }
      return Optional.of(annotate(index, name, layer, toc, sourceDiffId));
    }
    if (!LayerMediaTypes.isGzip(layer.mediaType()) || layer.size() < EstargzFooter.LEGACY_SIZE) {
      return Optional.empty();
    }
    // A gzip layer without annotations may still be eStargz (tools that drop annotations).
    BlobRangeReader blob = source.blobRanges(layer);
    int n = (int) Math.min(layer.size(), EstargzFooter.SIZE);
    if (!Estargz.isEstargz(blob.read(layer.size() - n, n))) {
      return Optional.empty();
    }
    EstargzIndex index1;
    try {
      index1 = EstargzReader.open(layer.digest().toString(), blob, null);
    } catch (InvalidEstargzException e) {
      listener.warning(
          name
              + " has an eStargz footer but is not valid eStargz; converting it: "
              + e.getMessage());
      return Optional.empty();
    }
    return Optional.of(annotate(index, name, layer, index1.tocDigest(), sourceDiffId));
  }

  /** Keeps an eStargz blob and gives its descriptor the annotations it lacks. */
  private ConvertedLayer annotate(
      int index, String name, Descriptor layer, Digest tocDigest, Digest sourceDiffId)
      throws IOException {
    Path blob = Files.createTempFile(tempDirectory, "layer-" + index + "-", ".blob");
    try {
      listener.bytesAdded(layer.size()); // downloaded here, uploaded again below
      try (InputStream in =
          new CountingInputStream(source.openBlob(layer), listener::bytesTransferred)) {
        Files.copy(in, blob, StandardCopyOption.REPLACE_EXISTING);
      }
      Uncompressed u;
      try (InputStream in = Files.newInputStream(blob)) {
        u = uncompress(in, OutputStream.nullOutputStream());
      }
      checkDiffId(name, u.digest(), sourceDiffId);
      Map<String, String> annotations = new LinkedHashMap<>(layer.annotations());
      annotations.put(Estargz.TOC_DIGEST_ANNOTATION, tocDigest.toString());
      annotations.put(Estargz.UNCOMPRESSED_SIZE_ANNOTATION, Long.toString(u.size()));
      Descriptor result = layer.withAnnotations(annotations);
      BlobPushResult push = target.putBlob(result, blob, listener::bytesTransferred);
      return new ConvertedLayer(
          index,
          layer,
          result,
          sourceDiffId,
          sourceDiffId,
          LayerAction.ANNOTATED,
          u.compression(),
          push,
          List.of());
    } finally {
      Files.deleteIfExists(blob);
    }
  }

  private ConvertedLayer convert(
      int index, String name, Descriptor layer, Digest sourceDiffId, List<String> prioritizedFiles)
      throws IOException {
    Path tar = tempDirectory.resolve("layer-" + index + ".tar");
    Path out = tempDirectory.resolve("layer-" + index + ".estargz");
    try {
      Uncompressed u;
      try (InputStream in =
              new CountingInputStream(source.openBlob(layer), listener::bytesTransferred);
          OutputStream file = Files.newOutputStream(tar)) {
        u = uncompress(in, file);
      }
      checkDiffId(name, u.digest(), sourceDiffId);
      EstargzResult r = writers.apply(prioritizedFiles).convert(tar, out);
      Files.delete(tar);
      listener.bytesAdded(r.blobSize());
      Descriptor result =
          new Descriptor(
              targetLayerType,
              r.blobDigest(),
              r.blobSize(),
              LayerMediaTypes.convertedAnnotations(layer.annotations(), r.annotations()),
              null,
              null);
      BlobPushResult push = target.putBlob(result, out, listener::bytesTransferred);
      List<String> found = new ArrayList<>(prioritizedFiles);
      found.removeAll(r.missedPrioritizedFiles());
      return new ConvertedLayer(
          index,
          layer,
          result,
          sourceDiffId,
          r.diffId(),
          LayerAction.CONVERTED,
          u.compression(),
          push,
          found);
    } finally {
      Files.deleteIfExists(tar);
      Files.deleteIfExists(out);
    }
  }

  private void checkDiffId(String name, Digest actual, Digest expected) throws ConversionException {
    if (!actual.equals(expected)) {
      throw new ConversionException(
          name
              + ": uncompressed content has digest "
              + actual
              + " but the image config's diff_id says "
              + expected);
    }
  }

  /** The uncompressed tar of a layer: its compression, digest and size. */
  record Uncompressed(LayerCompression compression, Digest digest, long size) {}

  /**
   * Copies the uncompressed tar of {@code blob} (any supported compression, told from its bytes) to
   * {@code out} and reads {@code blob} to its end, so that a verifying stream checks its digest.
   */
  static Uncompressed uncompress(InputStream blob, OutputStream out) throws IOException {
    BufferedInputStream buffered = new BufferedInputStream(blob, 64 << 10);
    buffered.mark(LayerCompression.SNIFF_LENGTH);
    byte[] head = buffered.readNBytes(LayerCompression.SNIFF_LENGTH);
    buffered.reset();
    LayerCompression compression = LayerCompression.detect(head, head.length);
    MessageDigest md = Digest.newSha256();
    long size;
    InputStream plain = LayerCompression.decompressed(buffered);
    try (DigestOutputStream digesting = new DigestOutputStream(out, md)) {
      size = plain.transferTo(digesting);
      buffered.transferTo(OutputStream.nullOutputStream());
    } finally {
      plain.close();
    }
    return new Uncompressed(compression, Digest.ofSha256Bytes(md.digest()), size);
  }
}
