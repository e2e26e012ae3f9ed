package dev.tracefetch.layer.estargz;

import dev.tracefetch.oci.image.Descriptor;
import dev.tracefetch.oci.registry.BlobRangeConsumer;
import dev.tracefetch.oci.registry.RegistryClient;
import java.io.EOFException;
import java.io.IOException;
import java.util.Objects;

/**
 * One layer blob read by HTTP range requests: what the eStargz reader needs to open a layer (footer
 * + TOC) and the chunk source needs to fetch chunks, without downloading the blob.
 */
public final class RegistryBlobRangeReader implements BlobRangeReader {
  private final RegistryClient client;
  private final String repository;
  private final Descriptor layer;

  public RegistryBlobRangeReader(RegistryClient client, String repository, Descriptor layer) {
    this.client = Objects.requireNonNull(client, "client");
    this.repository = Objects.requireNonNull(repository, "repository");
    this.layer = Objects.requireNonNull(layer, "layer");
  }

  @Override
  public byte[] read(long offset, int length) throws IOException {
    checkInside(offset, length);
    if (length == 0) {
      return new byte[0];
    }
    byte[] data = client.fetchBlobRange(repository, layer.digest(), offset, length);
    if (data.length != length) {
      throw new EOFException(
          "registry returned "
              + data.length
              + " of "
              + length
              + " bytes at offset "
              + offset
              + " of layer "
              + layer.digest()
              + " in "
              + repository);
    }
    return data;
  }

  /**
   * The range, handed to {@code consumer} while it arrives (the prefetcher uses the first chunks of
   * a large request before the rest is in).
   */
  public void stream(long offset, int length, BlobRangeConsumer consumer) throws IOException {
    checkInside(offset, length);
    if (length == 0) {
      throw new EOFException("empty range at offset " + offset + " of layer " + layer.digest());
    }
    client.streamBlobRange(repository, layer.digest(), offset, length, consumer);
  }

  private void checkInside(long offset, int length) throws EOFException {
    if (offset < 0 || length < 0 || offset + length > layer.size()) {
      throw new EOFException(
          "range ["
              + offset
              + ", "
              + (offset + length)
              + ") outside layer "
              + layer.digest()
              + " of "
              + layer.size()
              + " bytes");
    }
  }

  @Override
  public long size() {
    return layer.size();
  }

  public Descriptor layer() {
    return layer;
  }
}
