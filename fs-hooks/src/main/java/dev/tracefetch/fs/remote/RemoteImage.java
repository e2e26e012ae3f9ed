package dev.tracefetch.fs.remote;

import dev.tracefetch.fs.image.InvalidImageException;
import dev.tracefetch.fs.image.Layer;
import dev.tracefetch.fs.image.MergedTree;
import dev.tracefetch.fs.lazy.ChunkSource;
import dev.tracefetch.fs.lazy.LazyTree;
import dev.tracefetch.layer.estargz.Estargz;
import dev.tracefetch.layer.estargz.EstargzIndex;
import dev.tracefetch.layer.estargz.EstargzLimits;
import dev.tracefetch.layer.estargz.EstargzReader;
import dev.tracefetch.layer.estargz.RegistryBlobRangeReader;
import dev.tracefetch.oci.image.Descriptor;
import dev.tracefetch.oci.image.ImageManifest;
import dev.tracefetch.oci.registry.RegistryClient;
import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * An image in a registry, opened for a lazy mount. Opening reads only what the manifest points at
 * for eStargz layers: footer and TOC (ranged GETs); their chunks are fetched on demand later. A
 * layer that is not eStargz is not touched at all when opening: it is downloaded whole (parallel
 * ranged parts, digest-verified, decompressed, indexed) when the mount is first accessed, because
 * its entries, and therefore the merged tree, cannot be known without it (see {@link LazyTree}).
 * Gives the tree and the chunk source an {@link dev.tracefetch.fs.lazy.ImageFileSystem} needs.
 */
public final class RemoteImage implements Closeable {
  private static final System.Logger LOG = System.getLogger(RemoteImage.class.getName());

  /** Chunk size used to index layers that had to be downloaded whole. */
  public static final int LOCAL_CHUNK_SIZE = 1 << 20;

  private final String repository;
  private final ImageManifest manifest;
  private final List<EstargzIndex> estargzIndexes;
  private final List<WholeLayer> wholeLayers;
  private final LazyTree tree;
  private final ChunkSource source;
  private final LongAdder downloaded;
  private final AtomicReference<List<Layer>> mergedLayers;
  private final List<Closeable> resources;

  private RemoteImage(
      String repository,
      ImageManifest manifest,
      List<EstargzIndex> estargzIndexes,
      List<WholeLayer> wholeLayers,
      LazyTree tree,
      ChunkSource source,
      LongAdder downloaded,
      AtomicReference<List<Layer>> mergedLayers,
      List<Closeable> resources) {
    this.repository = repository;
    this.manifest = manifest;
    this.estargzIndexes = Collections.unmodifiableList(estargzIndexes);
    this.wholeLayers = List.copyOf(wholeLayers);
    this.tree = tree;
    this.source = source;
    this.downloaded = downloaded;
    this.mergedLayers = mergedLayers;
    this.resources = resources;
  }

  /** What opening one eStargz layer produced. */
  private record Opened(Layer layer, EstargzIndex index, ChunkSource source) {}

  /** Opens with {@link LayerDownloadOptions#defaults()}. */
  public static RemoteImage open(
      RegistryClient client, String repository, ImageManifest manifest, Path workDir)
      throws IOException, InvalidImageException {
    return open(client, repository, manifest, workDir, LayerDownloadOptions.defaults());
  }

  /**
   * Opens {@code manifest} of {@code repository}: TOCs of eStargz layers are read in parallel;
   * other layers will be downloaded into {@code workDir} on first access.
   *
   * @throws InvalidImageException if the merged eStargz layers are unsafe (see {@link MergedTree})
   * @throws IOException if a TOC cannot be fetched or is invalid
   */
  public static RemoteImage open(
      RegistryClient client,
      String repository,
      ImageManifest manifest,
      Path workDir,
      LayerDownloadOptions options)
      throws IOException, InvalidImageException {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(repository, "repository");
    Objects.requireNonNull(manifest, "manifest");
    Objects.requireNonNull(workDir, "workDir");
    Objects.requireNonNull(options, "options");
    List<Descriptor> descriptors = manifest.layers();
    ExecutorService pool =
        Executors.newFixedThreadPool(Math.max(1, Math.min(8, descriptors.size())));
    Map<Integer, Future<Opened>> futures = new HashMap<>();
    List<Closeable> resources = new ArrayList<>();
    try {
      List<WholeLayer> whole = new ArrayList<>();
      for (int i = 0; i < descriptors.size(); i++) {
        int index = i;
        Descriptor d = descriptors.get(i);
        if (Estargz.isEstargz(d)) {
          futures.put(i, pool.submit(() -> openEstargz(client, repository, index, d)));
        } else {
          whole.add(new WholeLayer(index, d, client, repository, workDir));
        }
      }
      Layer[] layers = new Layer[descriptors.size()];
      List<EstargzIndex> indexes = new ArrayList<>(Collections.nCopies(descriptors.size(), null));
      Map<Integer, ChunkSource> sources = new HashMap<>();
      for (int i = 0; i < descriptors.size(); i++) {
        Future<Opened> f = futures.get(i);
        if (f != null) {
          Opened o = get(f, descriptors.get(i));
          layers[i] = EstargzBookkeeping.strip(o.layer());
          indexes.set(i, o.index());
          sources.put(i, o.source());
        }
      }
      for (WholeLayer w : whole) {
        sources.put(w.index(), w);
        resources.add(w);
      }
      LongAdder downloaded = new LongAdder();
      String what = repository + "@" + manifest.layers().size() + "-layer image";
      AtomicReference<List<Layer>> merged = new AtomicReference<>();
      LazyTree tree;
      if (whole.isEmpty()) {
        merged.set(List.of(layers));
        tree = LazyTree.of(merge(repository, merged.get()));
      } else {
        LOG.log(
            Level.INFO,
            repository
                + ": "
                + whole.size()
                + " of "
                + descriptors.size()
                + " layers are not eStargz; they will be downloaded whole on first access");
        long hint = descriptors.stream().mapToLong(Descriptor::size).sum();
        tree =
            LazyTree.deferred(
                what,
                () -> {
                  List<Layer> all = download(layers, whole, options, downloaded);
                  MergedTree t = merge(repository, all);
                  merged.set(all);
                  return t;
                },
                downloaded::sum,
                options.stallTimeout(),
                hint);
      }
      resources.add(0, tree::close);
      return new RemoteImage(
          repository,
          manifest,
          indexes,
          whole,
          tree,
          new LayeredChunkSource(sources),
          downloaded,
          merged,
          resources);
    } catch (IOException | InvalidImageException | RuntimeException e) {
      for (Future<Opened> f : futures.values()) {
        f.cancel(true);
      }
      closeAll(resources);
      throw e;
    } finally {
      pool.shutdownNow();
    }
  }

  private static MergedTree merge(String repository, List<Layer> layers)
      throws InvalidImageException {
    MergedTree tree = MergedTree.build(layers);
    for (String w : tree.warnings()) {
      LOG.log(Level.WARNING, repository + ": " + w);
    }
    return tree;
  }

  /**
   * Downloads every layer in {@code whole} (their parts share {@code options.connections()}
   * connections); returns all layers, with the eStargz layers already in {@code known}.
   */
  private static List<Layer> download(
      Layer[] known, List<WholeLayer> whole, LayerDownloadOptions options, LongAdder downloaded)
      throws IOException, InvalidImageException {
    AtomicInteger n = new AtomicInteger();
    ExecutorService parts =
        Executors.newFixedThreadPool(
            options.connections(),
            r -> {
              Thread t = new Thread(r, "layer-part-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    ExecutorService layerPool =
        Executors.newFixedThreadPool(
            whole.size(),
            r -> {
              Thread t = new Thread(r, "layer-download-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    try {
      List<Future<Layer>> fetches = new ArrayList<>();
      for (WholeLayer w : whole) {
        fetches.add(layerPool.submit(() -> w.fetch(parts, options.partSize(), downloaded)));
      }
      Layer[] layers = known.clone();
      for (int i = 0; i < whole.size(); i++) {
        WholeLayer w = whole.get(i);
        layers[w.index()] = EstargzBookkeeping.strip(get(fetches.get(i), w.descriptor()));
      }
      return List.of(layers);
    } finally {
      layerPool.shutdownNow();
      parts.shutdownNow();
    }
  }

  private static <T> T get(Future<T> f, Descriptor d) throws IOException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      f.cancel(true);
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

  private static Opened openEstargz(
      RegistryClient client, String repository, int index, Descriptor d) throws IOException {
    RegistryBlobRangeReader blob = new RegistryBlobRangeReader(client, repository, d);
    EstargzIndex idx = EstargzReader.open(d, blob, EstargzLimits.defaults());
    return new Opened(
        EstargzLayers.toLayer(index, idx),
        idx,
        new EstargzChunkSource(d.digest().toString(), blob));
  }

  public String repository() {
    return repository;
  }

  public ImageManifest manifest() {
    return manifest;
  }

  /** Layers in manifest order, as merged; resolves the tree first (see {@link #tree()}). */
  public List<Layer> layers() throws IOException {
    tree.get();
    return mergedLayers.get();
  }

  /** Per layer its eStargz index, or null for a layer that is downloaded whole. */
  public List<EstargzIndex> estargzIndexes() {
    return estargzIndexes;
  }

  /** Number of layers that are not eStargz and are downloaded whole on first access. */
  public int wholeLayerCount() {
    return wholeLayers.size();
  }

  /** The tree as the filesystem serves it: known at once, or resolved on first access. */
  public LazyTree lazyTree() {
    return tree;
  }

  /**
   * The merged tree. For an image with layers that are not eStargz this downloads them first (once;
   * later calls return at once).
   */
  public MergedTree tree() throws IOException {
    return tree.get();
  }

  /** Bytes of layers that are not eStargz downloaded so far (their ranged parts). */
  public long wholeLayerBytesDownloaded() {
    return downloaded.sum();
  }

  /** Fetches any chunk of the image (ranged reads for eStargz layers, local reads otherwise). */
  public ChunkSource source() {
    return source;
  }

  @Override
  public void close() throws IOException {
    closeAll(resources);
  }

  private static void closeAll(List<? extends AutoCloseable> resources) {
    for (AutoCloseable c : resources) {
      try {
        c.close();
      } catch (Exception e) {
        LOG.log(Level.WARNING, "closing " + c + ": " + e);
      }
    }
  }
}
