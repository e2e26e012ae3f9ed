package dev.tracefetch.replayer.prefetch;

import dev.tracefetch.layer.estargz.RegistryBlobRangeReader;
import dev.tracefetch.oci.image.Descriptor;
import dev.tracefetch.oci.registry.RegistryClient;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Range requests against the registry an image was mounted from, over the mount's own client (so
 * connections are pooled and kept alive with the demand reads', and HTTP/2 is used where the
 * registry offers it over TLS).
 */
public final class RegistryRangeSource implements RangeSource {
  private final List<RegistryBlobRangeReader> layers;

  public RegistryRangeSource(RegistryClient client, String repository, List<Descriptor> layers) {
    List<RegistryBlobRangeReader> readers = new ArrayList<>();
    for (Descriptor d : layers) {
      readers.add(new RegistryBlobRangeReader(client, repository, d));
    }
    this.layers = List.copyOf(readers);
  }

  @Override
  public byte[] read(int layer, long offset, int length) throws IOException {
    if (layer < 0 || layer >= layers.size()) {
      throw new IOException("no layer " + layer + " in an image of " + layers.size() + " layers");
    }
    return layers.get(layer).read(offset, length);
  }

  @Override
  public void stream(int layer, long offset, int length, Sink sink) throws IOException {
    if (layer < 0 || layer >= layers.size()) {
      throw new IOException("no layer " + layer + " in an image of " + layers.size() + " layers");
    }
    layers.get(layer).stream(offset, length, sink::accept);
  }
}
