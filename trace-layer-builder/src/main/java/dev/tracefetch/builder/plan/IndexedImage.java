package dev.tracefetch.builder.plan;

import dev.tracefetch.builder.transfer.ImageRepository;
import dev.tracefetch.layer.estargz.Estargz;
import dev.tracefetch.layer.estargz.EstargzChunk;
import dev.tracefetch.layer.estargz.EstargzFile;
import dev.tracefetch.layer.estargz.EstargzIndex;
import dev.tracefetch.layer.estargz.EstargzLimits;
import dev.tracefetch.layer.estargz.EstargzReader;
import dev.tracefetch.oci.image.Descriptor;
import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.image.ImageConfig;
import dev.tracefetch.oci.image.ImageFormatException;
import dev.tracefetch.oci.image.ImageManifest;
import dev.tracefetch.oci.image.ManifestOrIndex;
import dev.tracefetch.oci.image.Platform;
import dev.tracefetch.oci.image.RawManifest;
import dev.tracefetch.planner.ChunkEntry;
import dev.tracefetch.planner.ImageChunkTable;
import dev.tracefetch.planner.LayerChunkTable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One image with the eStargz TOC of each of its layers: what plans are verified against, what
 * traces recorded on another image are mapped onto (as an {@link ImageChunkTable}), and what {@code
 * optimize} reads file orders from. Only footers and TOCs are fetched, never layer data. Layers
 * that are not eStargz (a trace layer, a plain tar layer) have no index and cannot be planned.
 */
public final class IndexedImage {
  private final String name;
  private final RawManifest raw;
  private final ImageManifest manifest;
  private final ImageConfig config;
  private final List<EstargzIndex> indexes;

  private IndexedImage(
      String name,
      RawManifest raw,
      ImageManifest manifest,
      ImageConfig config,
      List<EstargzIndex> indexes) {
    this.name = Objects.requireNonNull(name, "name");
    this.raw = raw;
    this.manifest = manifest;
    this.config = config;
    this.indexes = Collections.unmodifiableList(new ArrayList<>(indexes));
  }

  /**
   * Resolves {@code reference} in {@code repository} to one image manifest and reads its config and
   * the TOCs of its eStargz layers.
   */
  public static IndexedImage load(ImageRepository repository, String reference, Platform platform)
      throws IOException {
    String name = repository.describe(reference);
    RawManifest raw = repository.resolveImage(reference, platform);
    ManifestOrIndex parsed = raw.parse();
    if (!(parsed instanceof ImageManifest manifest)) {
      throw new ImageFormatException(name + " resolved to an index, not an image manifest");
    }
    ImageConfig config;
    try {
      config = ImageConfig.parse(repository.readSmallBlob(manifest.config()));
    } catch (ImageFormatException e) {
      throw new ImageFormatException(
          "config " + manifest.config().digest() + " of " + name + ": " + e.getMessage(), e);
    }
    List<EstargzIndex> indexes = new ArrayList<>();
    for (Descriptor layer : manifest.layers()) {
      indexes.add(
          Estargz.isEstargz(layer)
              ? EstargzReader.open(layer, repository.blobRanges(layer), EstargzLimits.defaults())
              : null);
    }
    return new IndexedImage(name, raw, manifest, config, indexes);
  }

  /**
   * The same image without the layers at {@code removed} (ascending): {@code manifest} and {@code
   * config} are the image that results, e.g. with its trace layer stripped.
   */
  public IndexedImage without(
      List<Integer> removed, RawManifest newRaw, ImageManifest newManifest, ImageConfig newConfig) {
    List<EstargzIndex> kept = new ArrayList<>();
    for (int i = 0; i < indexes.size(); i++) {
      if (!removed.contains(i)) {
        kept.add(indexes.get(i));
      }
    }
    return new IndexedImage(name, newRaw, newManifest, newConfig, kept);
  }

  /** How to name the image in messages ({@code host/repo:tag}). */
  public String name() {
    return name;
  }

  public RawManifest raw() {
    return raw;
  }

  public Digest digest() {
    return raw.digest();
  }

  public ImageManifest manifest() {
    return manifest;
  }

  public ImageConfig config() {
    return config;
  }

  public List<Descriptor> layers() {
    return manifest.layers();
  }

  /** The TOC index of layer {@code layer}, empty when it is not eStargz. */
  public Optional<EstargzIndex> index(int layer) {
    return Optional.ofNullable(indexes.get(layer));
  }

  public List<String> layerDigests() {
    List<String> digests = new ArrayList<>();
    for (Descriptor d : manifest.layers()) {
      digests.add(d.digest().toString());
    }
    return digests;
  }

  /** The file → chunk table of every layer, for mapping plans and traces by path and content. */
  public ImageChunkTable chunkTable() {
    List<LayerChunkTable> layers = new ArrayList<>();
    for (int i = 0; i < indexes.size(); i++) {
      List<ChunkEntry> entries = new ArrayList<>();
      EstargzIndex index = indexes.get(i);
      if (index != null) {
        for (EstargzFile f : index.files()) {
          if (f.chunks().isEmpty() || Estargz.isLandmark(f.path())) {
            continue;
          }
          String path = "/" + f.path();
          String content = f.entry().digest() == null ? "" : f.entry().digest().toString();
          for (EstargzChunk c : f.chunks()) {
            entries.add(
                new ChunkEntry(
                    path,
                    content,
                    c.chunkOffset(),
                    c.compressedOffset(),
                    c.compressedLength(),
                    c.chunkDigest().toString()));
          }
        }
      }
      layers.add(new LayerChunkTable(manifest.layers().get(i).digest().toString(), entries));
    }
    return new ImageChunkTable(digest().toString(), layers);
  }

  @Override
  public String toString() {
    return name + "@" + digest();
  }
}
