package dev.tracefetch.builder.transfer;

import dev.tracefetch.layer.estargz.BlobRangeReader;
import dev.tracefetch.oci.image.ContentNotFoundException;
import dev.tracefetch.oci.image.Descriptor;
import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.image.ImageFormatException;
import dev.tracefetch.oci.image.Platform;
import dev.tracefetch.oci.image.RawManifest;
import dev.tracefetch.oci.layout.OciLayout;
import dev.tracefetch.oci.registry.BlobPushResult;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.LongConsumer;

/** An OCI image layout directory ({@code oci:DIR}), read and written in place. */
public final class LayoutRepository implements ImageRepository {
  private final OciLayout layout;

  public LayoutRepository(OciLayout layout) {
    this.layout = Objects.requireNonNull(layout, "layout");
  }

  public OciLayout layout() {
    return layout;
  }

  @Override
  public String describe() {
    return "oci:" + layout.directory();
  }

  @Override
  public String describe(String reference) {
    return reference == null ? describe() : describe() + ":" + reference;
  }

  @Override
  public RawManifest resolveImage(String reference, Platform platform) throws IOException {
    try {
      return layout.resolve(reference, platform);
    } catch (ContentNotFoundException e) {
      throw new ContentNotFoundException(
          "image " + describe(reference) + " not found: " + e.getMessage());
    }
  }

  @Override
  public byte[] readSmallBlob(Descriptor descriptor) throws IOException {
    if (descriptor.size() > RegistryRepository.MAX_SMALL_BLOB) {
      throw new IOException(
          "blob "
              + descriptor.digest()
              + " in "
              + describe()
              + " is "
              + descriptor.size()
              + " bytes, over the limit of "
              + RegistryRepository.MAX_SMALL_BLOB
              + " for a config");
    }
    return layout.readBlob(descriptor);
  }

  @Override
  public InputStream openBlob(Descriptor descriptor) throws IOException {
    existingBlobFile(descriptor);
    return layout.blob(descriptor.digest());
  }

  @Override
  public BlobRangeReader blobRanges(Descriptor descriptor) throws IOException {
    return BlobRangeReader.ofFile(existingBlobFile(descriptor));
  }

  /** The blob's file, checked to exist with the descriptor's size (its digest is not checked). */
  Path existingBlobFile(Descriptor descriptor) throws IOException {
    Path file = layout.blobPath(descriptor.digest());
    if (!Files.isRegularFile(file)) {
      throw new ContentNotFoundException(
          "blob " + descriptor.digest() + " not found in " + describe());
    }
    long size = Files.size(file);
    if (size != descriptor.size()) {
      throw new ImageFormatException(
          "blob "
              + descriptor.digest()
              + " in "
              + describe()
              + " has "
              + size
              + " bytes, its descriptor says "
              + descriptor.size());
    }
    return file;
  }

  @Override
  public boolean hasBlob(Descriptor descriptor) {
    Path file = layout.blobPath(descriptor.digest());
    try {
      return Files.isRegularFile(file) && Files.size(file) == descriptor.size();
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public BlobPushResult putBlob(Descriptor descriptor, Path file, LongConsumer progress)
      throws IOException {
    if (hasBlob(descriptor)) {
      progress.accept(descriptor.size());
      return BlobPushResult.ALREADY_PRESENT;
    }
    try (InputStream in = new CountingInputStream(Files.newInputStream(file), progress)) {
      layout.writeBlob(descriptor, in);
    }
    return BlobPushResult.UPLOADED;
  }

  @Override
  public BlobPushResult putBlob(Descriptor descriptor, byte[] content) throws IOException {
    if (hasBlob(descriptor)) {
      return BlobPushResult.ALREADY_PRESENT;
    }
    layout.writeBlob(descriptor, new ByteArrayInputStream(content));
    return BlobPushResult.UPLOADED;
  }

  @Override
  public Digest putManifest(RawManifest manifest, String tag) throws IOException {
    Descriptor d = layout.writeManifest(manifest);
    layout.tag(tag, d);
    return d.digest();
  }

  @Override
  public BlobPushResult copyBlobFrom(
      ImageRepository source, Descriptor descriptor, Path tempDirectory, LongConsumer progress)
      throws IOException {
    if (hasBlob(descriptor)) {
      progress.accept(descriptor.size());
      return BlobPushResult.ALREADY_PRESENT;
    }
    try (InputStream in = new CountingInputStream(source.openBlob(descriptor), progress)) {
      layout.writeBlob(descriptor, in);
    }
    return BlobPushResult.UPLOADED;
  }

  @Override
  public String toString() {
    return describe();
  }
}
