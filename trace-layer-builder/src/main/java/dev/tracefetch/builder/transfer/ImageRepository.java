package dev.tracefetch.builder.transfer;

import dev.tracefetch.layer.estargz.BlobRangeReader;
import dev.tracefetch.oci.image.Descriptor;
import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.image.Platform;
import dev.tracefetch.oci.image.RawManifest;
import dev.tracefetch.oci.registry.BlobPushResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.function.LongConsumer;

/**
 * One place builder commands read images from and write images to: a repository of a registry or an
 * OCI image layout directory. Commands take either ({@code reg/app:1} or {@code oci:DIR:TAG}) for
 * both source and destination, so conversion code is written once against this interface.
 *
 * <p>Reads are verified (blob streams fail at their end on a digest mismatch) and writes are
 * content-addressed; {@link #putManifest} is what makes a tag visible, so callers write it last and
 * a failed run never leaves a tag pointing at missing content.
 */
public sealed interface ImageRepository permits RegistryRepository, LayoutRepository {

  /** Where this is, for messages: {@code host:port/repository} or {@code oci:DIR}. */
  String describe();

  /** {@code reference} in this repository, for messages: {@code host:port/repo:tag}. */
  String describe(String reference);

  /**
   * The image manifest that {@code reference} names (a tag or digest; for a layout also null when
   * it holds one image), following indexes to the entry for {@code platform}.
   *
   * @throws dev.tracefetch.oci.image.ContentNotFoundException if there is no such image
   */
  RawManifest resolveImage(String reference, Platform platform) throws IOException;

  /** A small blob (a config) read whole and verified. */
  byte[] readSmallBlob(Descriptor descriptor) throws IOException;

  /** A stream of the blob that fails at its end unless digest and size match. */
  InputStream openBlob(Descriptor descriptor) throws IOException;

  /** Ranged reads of the blob (HTTP Range for registries), e.g. for an eStargz footer and TOC. */
  BlobRangeReader blobRanges(Descriptor descriptor) throws IOException;

  boolean hasBlob(Descriptor descriptor) throws IOException;

  /**
   * Stores the blob held in {@code file}, which must match {@code descriptor}; {@code progress}
   * hears about every byte sent.
   */
  BlobPushResult putBlob(Descriptor descriptor, Path file, LongConsumer progress)
      throws IOException;

  /** Stores a small blob held in memory. */
  BlobPushResult putBlob(Descriptor descriptor, byte[] content) throws IOException;

  /**
   * Points {@code tag} at {@code manifest}, whose blobs must all be stored already, and returns the
   * manifest's digest.
   */
  Digest putManifest(RawManifest manifest, String tag) throws IOException;

  /**
   * Copies blob {@code descriptor} from {@code source} into this repository the cheapest way: not
   * at all if present, a cross-repository mount within one registry, the layout's file as the
   * upload body, or a verified download spooled to {@code tempDirectory} and uploaded. {@code
   * progress} hears about bytes moved.
   */
  BlobPushResult copyBlobFrom(
      ImageRepository source, Descriptor descriptor, Path tempDirectory, LongConsumer progress)
      throws IOException;
}
