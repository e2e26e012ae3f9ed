package dev.tracefetch.fs.remote;

import dev.tracefetch.fs.image.ChunkKey;
import dev.tracefetch.fs.image.Layer;
import dev.tracefetch.fs.lazy.ChunkSource;
import dev.tracefetch.fs.local.LocalChunkSource;
import dev.tracefetch.fs.local.LocalLayer;
import dev.tracefetch.fs.local.TarLayerIndexer;
import dev.tracefetch.layer.tar.LayerCompression;
import dev.tracefetch.oci.image.Descriptor;
import dev.tracefetch.oci.registry.RegistryClient;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.LongAdder;

/**
 * A layer that is not seekable (plain tar, tar+gzip, tar+zstd): nothing of it is known until it has
 * been downloaded whole. {@link #fetch} downloads it in parallel ranged parts, verifies the blob
 * digest, decompresses it to a local tar file (which appears only complete, by rename), and indexes
 * that file; from then on its chunks are served by positional reads of the local tar.
 */
final class WholeLayer implements ChunkSource, Closeable {
  private static final System.Logger LOG = System.getLogger(WholeLayer.class.getName());

  private final int index;
  private final Descriptor descriptor;
  private final RegistryClient client;
  private final String repository;
  private final Path workDir;
  private Layer layer; // guarded by this
  private volatile LocalChunkSource local;

  WholeLayer(
      int index, Descriptor descriptor, RegistryClient client, String repository, Path workDir) {
    this.index = index;
    this.descriptor = Objects.requireNonNull(descriptor, "descriptor");
    this.client = Objects.requireNonNull(client, "client");
    this.repository = Objects.requireNonNull(repository, "repository");
    this.workDir = Objects.requireNonNull(workDir, "workDir");
  }

  int index() {
    return index;
  }

  Descriptor descriptor() {
    return descriptor;
  }

  /**
   * Downloads, verifies, decompresses and indexes the layer unless that was done before; returns
   * its entries.
   */
  synchronized Layer fetch(ExecutorService parts, int partSize, LongAdder progress)
      throws IOException {
    if (layer != null) {
      return layer;
    }
    Path tar = workDir.resolve("layer-" + index + "-" + descriptor.digest().hex() + ".tar");
    if (!Files.exists(tar)) {
      long t0 = System.nanoTime();
      Path blob = workDir.resolve("layer-" + index + "-" + descriptor.digest().hex() + ".blob");
      try {
        ParallelBlobDownload.download(
            client, repository, descriptor, blob, parts, partSize, progress);
        decompress(blob, tar);
      } finally {
        Files.deleteIfExists(blob);
      }
      LOG.log(
          Level.INFO,
          "layer "
              + index
              + " ("
              + descriptor.digest()
              + ", "
              + descriptor.size()
              + " bytes, not eStargz) downloaded whole in "
              + (System.nanoTime() - t0) / 1_000_000
              + " ms");
    }
    LocalLayer indexed =
        TarLayerIndexer.index(
            index, descriptor.digest().toString(), tar, RemoteImage.LOCAL_CHUNK_SIZE);
    LocalChunkSource source = new LocalChunkSource(List.of(indexed));
    local = source;
    layer = indexed.layer();
    return layer;
  }

  /** Turns the verified blob into a plain tar; {@code tar} appears only when complete. */
  private static void decompress(Path blob, Path tar) throws IOException {
    byte[] head;
    try (InputStream in = Files.newInputStream(blob)) {
      head = in.readNBytes(LayerCompression.SNIFF_LENGTH);
    }
    if (LayerCompression.detect(head, head.length) == LayerCompression.TAR) {
      Files.move(blob, tar, StandardCopyOption.ATOMIC_MOVE);
      return;
    }
    Path tmp = Files.createTempFile(tar.getParent(), "." + tar.getFileName(), ".part");
    try {
      try (InputStream in = LayerCompression.decompressed(Files.newInputStream(blob));
          OutputStream out = Files.newOutputStream(tmp)) {
        in.transferTo(out);
      }
      Files.move(tmp, tar, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  @Override
  public byte[] read(ChunkKey key) throws IOException {
    LocalChunkSource s = local;
    if (s == null) {
      throw new IOException(
          "layer " + index + " (" + descriptor.digest() + ") is not downloaded yet (" + key + ")");
    }
    return s.read(key);
  }

  @Override
  public void close() throws IOException {
    LocalChunkSource s = local;
    if (s != null) {
      s.close();
    }
  }
}
