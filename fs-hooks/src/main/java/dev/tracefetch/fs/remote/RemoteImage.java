package dev.tracefetch.fs.remote;

import dev.tracefetch.fs.image.InvalidImageException;
import dev.tracefetch.fs.image.Layer;
import dev.tracefetch.fs.image.MergedTree;
import dev.tracefetch.fs.lazy.ChunkSource;
import dev.tracefetch.fs.local.LocalChunkSource;
import dev.tracefetch.fs.local.LocalLayer;
import dev.tracefetch.fs.local.TarLayerIndexer;
import dev.tracefetch.layer.estargz.Estargz;
import dev.tracefetch.layer.estargz.EstargzIndex;
import dev.tracefetch.layer.estargz.EstargzLimits;
import dev.tracefetch.layer.estargz.EstargzReader;
import dev.tracefetch.layer.tar.LayerCompression;
import dev.tracefetch.oci.image.Descriptor;
import dev.tracefetch.oci.image.ImageManifest;
import dev.tracefetch.oci.registry.RegistryClient;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * An image in a registry, opened for a lazy mount: for every eStargz layer only the footer and TOC
 * are fetched (ranged GETs) and chunks are fetched on demand later; a layer that is not eStargz is
 * downloaded whole, decompressed to local disk and indexed, so every image mounts. Gives the merged
 * tree and the chunk source an {@link dev.tracefetch.fs.lazy.ImageFileSystem} needs.
 */
public final class RemoteImage implements Closeable {
  private static final System.Logger LOG = System.getLogger(RemoteImage.class.getName());

  /** Chunk size used to index layers that had to be downloaded whole. */
  public static final int LOCAL_CHUNK_SIZE = 1 << 20;

  private final String repository;
  private final ImageManifest manifest;
  private final List<Layer> layers;
  private final List<EstargzIndex> estargzIndexes;
  private final MergedTree tree;
  private final ChunkSource source;
  private final List<Closeable> resources;

  private RemoteImage(
      String repository,
      ImageManifest manifest,
      List<Layer> layers,
      List<EstargzIndex> estargzIndexes,
      MergedTree tree,
      ChunkSource source,
      List<Closeable> resources) {
    this.repository = repository;
    this.manifest = manifest;
    this.layers = List.copyOf(layers);
    this.estargzIndexes = java.util.Collections.unmodifiableList(estargzIndexes);
    this.tree = tree;
    this.source = source;
    this.resources = resources;
  }

  /** What opening one layer produced. */
  private record Opened(Layer layer, EstargzIndex index, ChunkSource source, Closeable resource) {}

  /**
   * Opens {@code manifest} of {@code repository}: TOCs of eStargz layers are read in parallel;
   * other layers are downloaded into {@code workDir}.
   *
   * @throws InvalidImageException if the merged layers are unsafe (see {@link MergedTree})
   * @throws IOException if a TOC or layer cannot be fetched or is invalid
   */
  public static RemoteImage open(
      RegistryClient client, String repository, ImageManifest manifest, Path workDir)
      throws IOException, InvalidImageException {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(repository, "repository");
    Objects.requireNonNull(manifest, "manifest");
    List<Descriptor> descriptors = manifest.layers();
    ExecutorService pool =
        Executors.newFixedThreadPool(Math.max(1, Math.min(8, descriptors.size())));
    List<Future<Opened>> futures = new ArrayList<>();
    List<Closeable> resources = new ArrayList<>();
    try {
      for (int i = 0; i < descriptors.size(); i++) {
        int index = i;
        Descriptor d = descriptors.get(i);
        futures.add(pool.submit(() -> openLayer(client, repository, index, d, workDir)));
      }
      List<Layer> layers = new ArrayList<>();
      List<EstargzIndex> indexes = new ArrayList<>();
      Map<Integer, ChunkSource> sources = new HashMap<>();
      for (int i = 0; i < futures.size(); i++) {
        Opened o = get(futures.get(i), descriptors.get(i));
        layers.add(o.layer());
        indexes.add(o.index());
        sources.put(i, o.source());
        if (o.resource() != null) {
          resources.add(o.resource());
        }
      }
      MergedTree tree = MergedTree.build(layers);
      for (String w : tree.warnings()) {
        LOG.log(Level.WARNING, repository + ": " + w);
      }
      return new RemoteImage(
          repository, manifest, layers, indexes, tree, new LayeredChunkSource(sources), resources);
    } catch (IOException | InvalidImageException | RuntimeException e) {
      for (Future<Opened> f : futures) {
        f.cancel(true);
      }
      closeAll(resources);
      throw e;
    } finally {
      pool.shutdownNow();
    }
  }

  private static Opened get(Future<Opened> f, Descriptor d) throws IOException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while opening layer " + d.digest());
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof IOException io) {
        throw io;
      }
      if (c instanceof RuntimeException r) {
        throw r;
      }
      throw new IOException("opening layer " + d.digest() + " failed: " + c, c);
    }
  }

  private static Opened openLayer(
      RegistryClient client, String repository, int index, Descriptor d, Path workDir)
      throws IOException {
    if (Estargz.isEstargz(d)) {
      RegistryBlobRangeReader blob = new RegistryBlobRangeReader(client, repository, d);
      EstargzIndex idx = EstargzReader.open(d, blob, EstargzLimits.defaults());
      return new Opened(
          EstargzLayers.toLayer(index, idx),
          idx,
          new EstargzChunkSource(d.digest().toString(), blob),
          null);
    }
    LOG.log(
        Level.INFO,
        "layer "
            + index
            + " ("
            + d.digest()
            + ", "
            + d.mediaType()
            + ") is not eStargz;"
            + " downloading it whole");
    Path tar = workDir.resolve("layer-" + index + "-" + d.digest().hex() + ".tar");
    if (!Files.exists(tar)) {
      download(client, repository, d, tar);
    }
    LocalLayer local = TarLayerIndexer.index(index, d.digest().toString(), tar, LOCAL_CHUNK_SIZE);
    LocalChunkSource source = new LocalChunkSource(List.of(local));
    return new Opened(local.layer(), null, source, source);
  }

  /** Downloads, verifies and decompresses a layer; {@code tar} appears only when complete. */
  private static void download(RegistryClient client, String repository, Descriptor d, Path tar)
      throws IOException {
    Files.createDirectories(tar.getParent());
    Path tmp = Files.createTempFile(tar.getParent(), "." + tar.getFileName(), ".part");
    try {
      try (InputStream raw = client.fetchBlob(repository, d);
          OutputStream out = Files.newOutputStream(tmp)) {
        InputStream plain = LayerCompression.decompressed(raw);
        plain.transferTo(out);
        raw.transferTo(OutputStream.nullOutputStream()); // the digest is checked at the end
      }
      Files.move(tmp, tar, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  public String repository() {
    return repository;
  }

  public ImageManifest manifest() {
    return manifest;
  }

  /** Layers in manifest order, as merged. */
  public List<Layer> layers() {
    return layers;
  }

  /** Per layer its eStargz index, or null for a layer that was downloaded whole. */
  public List<EstargzIndex> estargzIndexes() {
    return estargzIndexes;
  }

  public MergedTree tree() {
    return tree;
  }

  /** Fetches any chunk of the image (ranged reads for eStargz layers, local reads otherwise). */
  public ChunkSource source() {
    return source;
  }

  @Override
  public void close() throws IOException {
    closeAll(resources);
  }

  private static void closeAll(List<Closeable> resources) {
    for (Closeable c : resources) {
      try {
        c.close();
      } catch (IOException e) {
        LOG.log(Level.WARNING, "closing " + c + ": " + e);
      }
    }
  }
}
