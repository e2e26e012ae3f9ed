package dev.tracefetch.store.registry;

import dev.tracefetch.layer.estargz.BlobRangeReader;
import dev.tracefetch.oci.image.Descriptor;
import dev.tracefetch.oci.registry.RegistryClient;
import java.io.EOFException;
import java.io.IOException;

/** Ranged reads of one layer blob in a registry: how an eStargz footer and TOC are fetched. */
final class RegistryBlobReader implements BlobRangeReader {
  private final RegistryClient client;
  private final String repository;
  private final Descriptor layer;

  RegistryBlobReader(RegistryClient client, String repository, Descriptor layer) {
    this.client = client;
    this.repository = repository;
    this.layer = layer;
  }

  @Override
  public byte[] read(long offset, int length) throws IOException {
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

  @Override
  public long size() {
    return layer.size();
  }
}
