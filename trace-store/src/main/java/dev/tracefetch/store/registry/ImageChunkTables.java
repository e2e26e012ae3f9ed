package dev.tracefetch.store.registry;

import dev.tracefetch.layer.estargz.Estargz;
import dev.tracefetch.layer.estargz.EstargzChunk;
import dev.tracefetch.layer.estargz.EstargzFile;
import dev.tracefetch.layer.estargz.EstargzIndex;
import dev.tracefetch.layer.estargz.EstargzLimits;
import dev.tracefetch.layer.estargz.EstargzReader;
import dev.tracefetch.layer.estargz.InvalidEstargzException;
import dev.tracefetch.layer.estargz.RegistryBlobRangeReader;
import dev.tracefetch.oci.image.Descriptor;
import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.image.ImageFormatException;
import dev.tracefetch.oci.image.ImageManifest;
import dev.tracefetch.oci.image.ManifestOrIndex;
import dev.tracefetch.oci.image.RawManifest;
import dev.tracefetch.oci.registry.RegistryClient;
import dev.tracefetch.planner.ChunkEntry;
import dev.tracefetch.planner.ImageChunkTable;
import dev.tracefetch.planner.LayerChunkTable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The file → chunk tables of images, read from their registry: the manifest, then for every eStargz
 * layer its footer and TOC by range requests (never layer data). A manifest digest names immutable
 * content, so tables are cached per manifest digest and, since images share layers, per layer
 * digest. A layer that is not eStargz (or whose TOC cannot be read) gets an empty table: it can
 * still be matched exactly by digest, but not file by file.
 */
@Component
public class ImageChunkTables {
  private static final Logger log = LoggerFactory.getLogger(ImageChunkTables.class);

  private final RegistryClients clients;
  private final Map<String, ImageChunkTable> images;
  private final Map<String, LayerChunkTable> layers;

  public ImageChunkTables(RegistryClients clients, RegistryProperties properties) {
    this.clients = clients;
    this.images = lru(properties.cachedImages());
    this.layers = lru(properties.cachedImages() * 8);
  }

  private static <V> Map<String, V> lru(int capacity) {
    return new LinkedHashMap<>(16, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
        return size() > capacity;
      }
    };
  }

  /**
   * The chunk tables of image {@code manifestDigest} in {@code repository} of {@code registry}.
   *
   * @throws dev.tracefetch.oci.registry.ManifestUnknownException when the repository does not hold
   *     that manifest
   * @throws ImageFormatException when the digest names an index or something that is no manifest
   * @throws IOException when the registry cannot be reached or answers wrongly
   */
  public ImageChunkTable load(String registry, String repository, String manifestDigest)
      throws IOException {
    ImageChunkTable cached = cachedImage(manifestDigest);
    if (cached != null) {
      return cached;
    }
    RegistryClient client = clients.forRegistry(registry);
    RawManifest raw = client.pullManifest(repository, manifestDigest);
    ManifestOrIndex parsed = raw.parse();
    if (!(parsed instanceof ImageManifest manifest)) {
      throw new ImageFormatException(
          manifestDigest
              + " in "
              + registry
              + "/"
              + repository
              + " is an image index; give the digest of the platform's image manifest");
    }
    List<LayerChunkTable> tables = new ArrayList<>();
    for (Descriptor layer : manifest.layers()) {
      tables.add(layerTable(client, registry, repository, layer));
    }
    ImageChunkTable table = new ImageChunkTable(manifestDigest, tables);
    synchronized (images) {
      images.put(manifestDigest, table);
    }
    log.info(
        "chunk tables read image={}/{}@{} layers={} entries={}",
        registry,
        repository,
        manifestDigest,
        tables.size(),
        tables.stream().mapToInt(t -> t.entries().size()).sum());
    return table;
  }

  private ImageChunkTable cachedImage(String manifestDigest) {
    synchronized (images) {
      return images.get(manifestDigest);
    }
  }

  private LayerChunkTable layerTable(
      RegistryClient client, String registry, String repository, Descriptor layer)
      throws IOException {
    String digest = layer.digest().toString();
    synchronized (layers) {
      LayerChunkTable cached = layers.get(digest);
      if (cached != null) {
        return cached;
      }
    }
    LayerChunkTable table;
    if (!Estargz.isEstargz(layer)) {
      table = new LayerChunkTable(digest, List.of());
    } else {
      try {
        EstargzIndex index =
            EstargzReader.open(
                layer,
                new RegistryBlobRangeReader(client, repository, layer),
                EstargzLimits.defaults());
        table = new LayerChunkTable(digest, entries(index));
      } catch (InvalidEstargzException | dev.tracefetch.oci.image.DigestMismatchException e) {
        log.warn(
            "layer TOC unusable, layer maps by digest only layer={} repository={}/{} reason={}",
            digest,
            registry,
            repository,
            e.getMessage());
        table = new LayerChunkTable(digest, List.of());
      }
    }
    synchronized (layers) {
      layers.put(digest, table);
    }
    return table;
  }

  /**
   * One entry per chunk of every regular file, keyed by absolute path as traces record it; the
   * prefetch landmark files eStargz writers add are not part of the image's content.
   */
  static List<ChunkEntry> entries(EstargzIndex index) {
    List<ChunkEntry> entries = new ArrayList<>();
    for (EstargzFile file : index.files()) {
      if (file.chunks().isEmpty()
          || file.hardlinkTarget() != null
          || Estargz.isLandmark(file.path())) {
        continue;
      }
      Digest content = file.entry().digest();
      String path = "/" + file.path();
      for (EstargzChunk chunk : file.chunks()) {
        entries.add(
            new ChunkEntry(
                path,
                content == null ? "" : content.toString(),
                chunk.chunkOffset(),
                chunk.compressedOffset(),
                chunk.compressedLength(),
                chunk.chunkDigest().toString()));
      }
    }
    return entries;
  }
}
