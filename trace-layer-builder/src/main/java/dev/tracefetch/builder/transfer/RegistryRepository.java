package dev.tracefetch.builder.transfer;

import dev.tracefetch.layer.estargz.BlobRangeReader;
import dev.tracefetch.oci.image.ContentNotFoundException;
import dev.tracefetch.oci.image.Descriptor;
import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.image.Platform;
import dev.tracefetch.oci.image.RawManifest;
import dev.tracefetch.oci.registry.BlobPushResult;
import dev.tracefetch.oci.registry.BlobSource;
import dev.tracefetch.oci.registry.RegistryClient;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.LongConsumer;

/** A repository of an OCI registry, reached through a shared {@link RegistryClient}. */
public final class RegistryRepository implements ImageRepository {
  /** Largest config blob read into memory. */
  static final int MAX_SMALL_BLOB = 16 << 20;

  private final RegistryClient client;
  private final String repository;

  /**
   * @param client the client of the repository's registry (not closed by this class)
   * @param repository the repository, e.g. {@code library/ubuntu}
   */
  public RegistryRepository(RegistryClient client, String repository) {
    this.client = Objects.requireNonNull(client, "client");
    this.repository = Objects.requireNonNull(repository, "repository");
  }

  public RegistryClient client() {
    return client;
  }

  public String repository() {
    return repository;
  }

  @Override
  public String describe() {
    return client.registry() + "/" + repository;
  }

  @Override
  public String describe(String reference) {
    if (reference == null) {
      return describe();
    }
    return describe() + (reference.startsWith("sha256:") ? "@" : ":") + reference;
  }

  @Override
  public RawManifest resolveImage(String reference, Platform platform) throws IOException {
    Objects.requireNonNull(reference, "reference");
    try {
      return client.imageStore(repository).resolveImage(reference, platform);
    } catch (ContentNotFoundException e) {
      throw new ContentNotFoundException(
          "image " + describe(reference) + " not found: " + e.getMessage());
    }
  }

  @Override
  public byte[] readSmallBlob(Descriptor descriptor) throws IOException {
    if (descriptor.size() > MAX_SMALL_BLOB) {
      throw new IOException(
          "blob "
              + descriptor.digest()
              + " in "
              + describe()
              + " is "
              + descriptor.size()
              + " bytes, over the limit of "
              + MAX_SMALL_BLOB
              + " for a config");
    }
    try (InputStream in = client.fetchBlob(repository, descriptor)) {
      return in.readAllBytes();
    }
  }

  @Override
  public InputStream openBlob(Descriptor descriptor) throws IOException {
    return client.fetchBlob(repository, descriptor);
  }

  @Override
  public BlobRangeReader blobRanges(Descriptor descriptor) {
    Digest digest = descriptor.digest();
    long size = descriptor.size();
    return new BlobRangeReader() {
      @Override
      public byte[] read(long offset, int length) throws IOException {
        if (offset < 0 || length < 0 || offset + length > size) {
          throw new EOFException(
              "range ["
                  + offset
                  + ", "
                  + (offset + length)
                  + ") outside blob "
                  + digest
                  + " of "
                  + size
                  + " bytes in "
                  + describe());
        }
        if (length == 0) {
          return new byte[0];
        }
        byte[] b = client.fetchBlobRange(repository, digest, offset, length);
        if (b.length != length) {
          throw new EOFException(
              "blob "
                  + digest
                  + " in "
                  + describe()
                  + " ended after "
                  + (offset + b.length)
                  + " bytes; its descriptor says "
                  + size);
        }
        return b;
      }

      @Override
      public long size() {
        return size;
      }
    };
  }

  @Override
  public boolean hasBlob(Descriptor descriptor) throws IOException {
    return client.blobExists(repository, descriptor.digest());
  }

  @Override
  public BlobPushResult putBlob(Descriptor descriptor, Path file, LongConsumer progress)
      throws IOException {
    long size = Files.size(file);
    if (size != descriptor.size()) {
      throw new IOException(
          "blob file "
              + file
              + " has "
              + size
              + " bytes, its descriptor says "
              + descriptor.size());
    }
    return client.pushBlob(
        repository, descriptor.digest(), counting(BlobSource.of(file), progress));
  }

  @Override
  public BlobPushResult putBlob(Descriptor descriptor, byte[] content) throws IOException {
    return client.pushBlob(repository, descriptor.digest(), BlobSource.of(content));
  }

  @Override
  public Digest putManifest(RawManifest manifest, String tag) throws IOException {
    return client.pushManifest(repository, tag, manifest);
  }

  @Override
  public BlobPushResult copyBlobFrom(
      ImageRepository source, Descriptor descriptor, Path tempDirectory, LongConsumer progress)
      throws IOException {
    if (hasBlob(descriptor)) {
      progress.accept(descriptor.size());
      return BlobPushResult.ALREADY_PRESENT;
    }
    if (source instanceof RegistryRepository r
        && r.client.registry().equals(client.registry())
        && client.mountBlob(repository, descriptor.digest(), r.repository)) {
      progress.accept(descriptor.size());
      return BlobPushResult.MOUNTED;
    }
    if (source instanceof LayoutRepository layout) {
      return putBlob(descriptor, layout.existingBlobFile(descriptor), progress);
    }
    Path spool = Files.createTempFile(tempDirectory, "blob-", ".part");
    try {
      try (InputStream in = source.openBlob(descriptor);
          OutputStream out = Files.newOutputStream(spool)) {
        in.transferTo(out);
      }
      return putBlob(descriptor, spool, progress);
    } finally {
      Files.deleteIfExists(spool);
    }
  }

  /** A blob source whose streams report the bytes the upload reads. */
  private static BlobSource counting(BlobSource source, LongConsumer progress) {
    return new BlobSource() {
      @Override
      public long size() {
        return source.size();
      }

      @Override
      public InputStream openAt(long offset) throws IOException {
        return new CountingInputStream(source.openAt(offset), progress);
      }

      @Override
      public String toString() {
        return source.toString();
      }
    };
  }

  @Override
  public String toString() {
    return describe();
  }
}
