package dev.tracefetch.builder.convert;

import dev.tracefetch.builder.transfer.ImageEndpoint;
import dev.tracefetch.builder.transfer.ImageRepository;
import dev.tracefetch.layer.estargz.Estargz;
import dev.tracefetch.layer.estargz.EstargzWriter;
import dev.tracefetch.oci.image.Descriptor;
import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.image.ImageConfig;
import dev.tracefetch.oci.image.ImageFormatException;
import dev.tracefetch.oci.image.ImageManifest;
import dev.tracefetch.oci.image.ManifestOrIndex;
import dev.tracefetch.oci.image.Platform;
import dev.tracefetch.oci.image.RawManifest;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Converts an image to eStargz so that it can be mounted lazily (by our FUSE layer, by
 * stargz-snapshotter or by containers/storage) while staying a valid image for every other runtime.
 * What {@code trace-layer-builder convert} runs.
 *
 * <p>The source (registry or OCI layout) is resolved to one image manifest (an index is followed to
 * the entry for the configured platform). Each layer (tar, tar+gzip or tar+zstd, told from its
 * bytes) is re-encoded by {@link EstargzWriter}; layers that already are eStargz (valid footer and
 * TOC matching the {@value Estargz#TOC_DIGEST_ANNOTATION} annotation) are kept byte for byte, by a
 * cross-repository mount where possible. Layers run in parallel (two by default) with all data
 * streamed through temporary files, never held in memory.
 *
 * <p>The config keeps everything (history, runtime settings, unknown fields) except {@code
 * rootfs.diff_ids}, which become the digests of the uncompressed eStargz blobs: they differ from
 * the source's because the TOC and the landmark file are tar entries too (stargz-snapshotter's
 * converter does the same). The manifest keeps its media type (OCI or Docker), annotations and
 * layer annotations, and gains the eStargz layer annotations. Every source layer is checked against
 * its diff ID before conversion. When nothing had to change, the source manifest is pushed as is,
 * so converting a converted image reproduces it exactly.
 *
 * <p>All blobs are pushed before the manifest, so a failed run never leaves the destination tag
 * pointing at a partial image. Instances are immutable and may be reused.
 */
public final class ImageConverter {
  private final int chunkSize;
  private final List<String> prioritizedFiles;
  private final Map<Integer, List<String>> prioritizedByLayer;
  private final Set<Integer> rewrittenLayers;
  private final int parallelism;
  private final Path tempDirectory;
  private final Platform platform;

  private ImageConverter(Builder b) {
    this.chunkSize = b.chunkSize;
    this.prioritizedFiles = List.copyOf(b.prioritizedFiles);
    this.prioritizedByLayer =
        b.prioritizedByLayer == null ? null : Map.copyOf(b.prioritizedByLayer);
    this.rewrittenLayers = Set.copyOf(b.rewrittenLayers);
    this.parallelism = b.parallelism;
    this.tempDirectory = b.tempDirectory;
    this.platform = b.platform;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Converts {@code source} and pushes the result as {@code target}.
   *
   * @throws dev.tracefetch.oci.image.ContentNotFoundException or {@link
   *     dev.tracefetch.oci.registry.RegistryNotFoundException} when the source image does not exist
   * @throws ConversionException when the source cannot be converted (unsupported layer type, diff
   *     ID mismatch, invalid tar)
   * @throws dev.tracefetch.oci.registry.RegistryException when a registry refuses a request
   */
  public ConversionResult convert(
      ImageEndpoint source, ImageEndpoint target, ConversionListener listener) throws IOException {
    Objects.requireNonNull(listener, "listener");
    ImageRepository from = source.repository();
    ImageRepository to = target.repository();
    String sourceName = source.describe();

    RawManifest raw = from.resolveImage(source.reference(), platform);
    ManifestOrIndex parsed = raw.parse();
    if (!(parsed instanceof ImageManifest manifest)) {
      throw new ImageFormatException(sourceName + " resolved to an index, not an image manifest");
    }
    byte[] configBytes = from.readSmallBlob(manifest.config());
    ImageConfig config;
    try {
      config = ImageConfig.parse(configBytes);
    } catch (ImageFormatException e) {
      throw new ImageFormatException(
          "config " + manifest.config().digest() + " of " + sourceName + ": " + e.getMessage(), e);
    }
    List<Descriptor> layers = manifest.layers();
    List<Digest> diffIds = config.diffIds();
    if (diffIds.size() != layers.size()) {
      throw new ConversionException(
          sourceName
              + ": manifest lists "
              + layers.size()
              + " layers but the config has "
              + diffIds.size()
              + " diff_ids");
    }
    for (int i = 0; i < layers.size(); i++) {
      String type = layers.get(i).mediaType();
      if (!LayerMediaTypes.isConvertible(type)) {
        throw new ConversionException(
            "layer "
                + (i + 1)
                + "/"
                + layers.size()
                + " ("
                + layers.get(i).digest()
                + ") of "
                + sourceName
                + " has media type "
                + type
                + ", which cannot be converted; supported: "
                + String.join(", ", LayerMediaTypes.CONVERTIBLE.stream().sorted().toList()));
      }
    }
    listener.started(sourceName, layers.size(), layers.stream().mapToLong(Descriptor::size).sum());

    List<ConvertedLayer> converted =
        convertLayers(from, sourceName, to, manifest, diffIds, listener);

    List<Descriptor> newLayers = converted.stream().map(ConvertedLayer::result).toList();
    List<Digest> newDiffIds = converted.stream().map(ConvertedLayer::diffId).toList();
    Descriptor configDescriptor = manifest.config();
    if (!newDiffIds.equals(diffIds)) {
      configBytes = config.withDiffIds(newDiffIds).toJson();
      Descriptor old = manifest.config();
      configDescriptor =
          new Descriptor(
              old.mediaType(),
              Digest.of(configBytes),
              configBytes.length,
              old.annotations(),
              old.artifactType(),
              old.platform());
    }
    RawManifest newRaw =
        newLayers.equals(layers) && configDescriptor.equals(manifest.config())
            ? raw
            : manifest.withConfig(configDescriptor).withLayers(newLayers).toRaw();
    to.putBlob(configDescriptor, configBytes);
    to.putManifest(newRaw, target.reference());

    return new ConversionResult(
        sourceName,
        target.describe(),
        raw.descriptor(),
        newRaw.descriptor(),
        configDescriptor,
        converted,
        missedPrioritizedFiles(converted));
  }

  private List<String> prioritizedFor(int layer) {
    return prioritizedByLayer == null
        ? prioritizedFiles
        : prioritizedByLayer.getOrDefault(layer, List.of());
  }

  private List<String> missedPrioritizedFiles(List<ConvertedLayer> layers) {
    Set<String> missed = new LinkedHashSet<>(prioritizedFiles);
    if (prioritizedByLayer != null) {
      prioritizedByLayer.values().forEach(missed::addAll);
    }
    layers.forEach(l -> l.prioritizedFiles().forEach(missed::remove));
    return List.copyOf(missed);
  }

  private List<ConvertedLayer> convertLayers(
      ImageRepository from,
      String sourceName,
      ImageRepository to,
      ImageManifest manifest,
      List<Digest> diffIds,
      ConversionListener listener)
      throws IOException {
    List<Descriptor> layers = manifest.layers();
    Path temp = Files.createTempDirectory(tempDirectory, "tracefetch-convert-");
    ExecutorService pool = Executors.newFixedThreadPool(parallelism, threads());
    try {
      LayerConverter layerConverter =
          new LayerConverter(
              files ->
                  EstargzWriter.builder()
                      .chunkSize(chunkSize)
                      .prioritizedFiles(files)
                      .tempDirectory(temp)
                      .build(),
              from,
              sourceName,
              to,
              LayerMediaTypes.estargzLayerType(manifest.mediaType()),
              temp,
              listener);
      CompletionService<ConvertedLayer> done = new ExecutorCompletionService<>(pool);
      // An image may list the same blob twice (e.g. empty layers): convert it once.
      Map<Descriptor, Integer> firstIndex = new HashMap<>();
      List<Integer> repeats = new ArrayList<>();
      int submitted = 0;
      for (int i = 0; i < layers.size(); i++) {
        Descriptor layer = layers.get(i);
        if (firstIndex.putIfAbsent(layer, i) != null) {
          repeats.add(i);
          continue;
        }
        int index = i;
        done.submit(
            () -> {
              ConvertedLayer c =
                  layerConverter.process(
                      index,
                      layers.size(),
                      layer,
                      diffIds.get(index),
                      prioritizedFor(index),
                      rewrittenLayers.contains(index));
              listener.layerDone(c);
              return c;
            });
        submitted++;
      }
      ConvertedLayer[] results = new ConvertedLayer[layers.size()];
      for (int n = 0; n < submitted; n++) {
        ConvertedLayer c = take(done);
        results[c.index()] = c;
      }
      for (int i : repeats) {
        ConvertedLayer first = results[firstIndex.get(layers.get(i))];
        if (!first.sourceDiffId().equals(diffIds.get(i))) {
          throw new ConversionException(
              sourceName
                  + ": layers "
                  + (first.index() + 1)
                  + " and "
                  + (i + 1)
                  + " are the same blob but have different diff_ids in the config");
        }
        ConvertedLayer again = first.at(i);
        listener.layerDone(again);
        results[i] = again;
      }
      return List.of(results);
    } finally {
      pool.shutdownNow();
      awaitQuietly(pool);
      deleteRecursively(temp);
    }
  }

  private static ConvertedLayer take(CompletionService<ConvertedLayer> done) throws IOException {
    Future<ConvertedLayer> f;
    try {
      f = done.take();
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while converting layers");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IOException(cause);
    }
  }

  private static void awaitQuietly(ExecutorService pool) {
    try {
      if (!pool.awaitTermination(60, TimeUnit.SECONDS)) {
        System.getLogger(ImageConverter.class.getName())
            .log(System.Logger.Level.WARNING, "layer workers did not stop within 60 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static ThreadFactory threads() {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "convert-layer-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (IOException | UncheckedIOException e) {
      System.getLogger(ImageConverter.class.getName())
          .log(System.Logger.Level.WARNING, "cannot delete temporary directory " + dir, e);
    }
  }

  /** Configures an {@link ImageConverter}. */
  public static final class Builder {
    private int chunkSize = Estargz.DEFAULT_CHUNK_SIZE;
    private List<String> prioritizedFiles = List.of();
    private Map<Integer, List<String>> prioritizedByLayer;
    private Set<Integer> rewrittenLayers = Set.of();
    private int parallelism = 2;
    private Path tempDirectory = Path.of(System.getProperty("java.io.tmpdir"));
    private Platform platform = Platform.host();

    private Builder() {}

    /** Largest number of file bytes per eStargz chunk; default 4 MiB. */
    public Builder chunkSize(int bytes) {
      if (bytes <= 0) {
        throw new IllegalArgumentException("chunk size must be positive, got " + bytes);
      }
      this.chunkSize = bytes;
      return this;
    }

    /**
     * Paths to put first in every layer that holds them, in this order, followed by {@code
     * .prefetch.landmark}, so lazy runtimes prefetch them at mount time. When set, layers that are
     * eStargz already are rewritten too, to apply the order.
     */
    public Builder prioritizedFiles(List<String> paths) {
      this.prioritizedFiles = List.copyOf(paths);
      return this;
    }

    /**
     * Paths to put first per layer (layer index to paths in order), instead of one list for every
     * layer: what {@code optimize} derives from a trace. Layers with a non-empty list are rewritten
     * even when they are eStargz already; other eStargz layers are kept byte for byte unless named
     * by {@link #rewriteLayers}.
     */
    public Builder prioritizedFilesByLayer(Map<Integer, List<String>> byLayer) {
      Map<Integer, List<String>> copy = new HashMap<>();
      byLayer.forEach((k, v) -> copy.put(k, List.copyOf(v)));
      this.prioritizedByLayer = copy;
      return this;
    }

    /**
     * Layers to rewrite even when they are eStargz already and have nothing to prioritize (e.g. to
     * replace a stale {@code .prefetch.landmark} by {@code .no.prefetch.landmark}).
     */
    public Builder rewriteLayers(Set<Integer> layers) {
      this.rewrittenLayers = Set.copyOf(layers);
      return this;
    }

    /** Layers converted at the same time; default 2. */
    public Builder parallelism(int layers) {
      if (layers < 1) {
        throw new IllegalArgumentException("parallelism must be at least 1, got " + layers);
      }
      this.parallelism = layers;
      return this;
    }

    /**
     * Where the per-run temporary directory goes (uncompressed and converted layers, up to about
     * twice the uncompressed size of {@code parallelism} layers); default {@code java.io.tmpdir}.
     */
    public Builder tempDirectory(Path dir) {
      this.tempDirectory = Objects.requireNonNull(dir, "dir");
      return this;
    }

    /** Which image of a multi-platform index to convert; default the host's (linux/amd64 here). */
    public Builder platform(Platform p) {
      this.platform = Objects.requireNonNull(p, "platform");
      return this;
    }

    public ImageConverter build() {
      return new ImageConverter(this);
    }
  }
}
