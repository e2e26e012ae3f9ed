package dev.tracefetch.builder.layer;

import dev.tracefetch.oci.image.Descriptor;
import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.image.HistoryEntry;
import dev.tracefetch.oci.image.ImageConfig;
import dev.tracefetch.oci.image.ImageFormatException;
import dev.tracefetch.oci.image.ImageManifest;
import dev.tracefetch.oci.image.RawManifest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Adds, replaces and removes the trace top layer of an image (manifest and config together), so
 * that an image never carries two trace layers and stripping gives back the original layer list.
 * Pure: it computes documents; pushing them is the caller's job (blobs first, manifest last).
 */
public final class TraceLayerEditor {
  /** {@code created_by} of the history entry of a trace layer. */
  public static final String CREATED_BY = "trace-layer-builder build-layer";

  private TraceLayerEditor() {}

  /**
   * An image edited: its new manifest and config, what was removed (layer indexes of the input)
   * and, when a layer was added, its descriptor and blob.
   */
  public record Edited(
      RawManifest manifest,
      ImageManifest parsed,
      ImageConfig config,
      byte[] configBytes,
      List<Integer> removed,
      Descriptor added,
      byte[] addedBlob) {
    public Edited {
      removed = List.copyOf(removed);
    }

    /** Whether the result is the input unchanged (stripping an image without a trace layer). */
    public boolean unchanged(RawManifest input) {
      return manifest.equals(input);
    }
  }

  /** The input without any trace layer (the same manifest bytes when it has none). */
  public static Edited strip(RawManifest raw, ImageManifest manifest, ImageConfig config)
      throws ImageFormatException {
    List<Descriptor> layers = manifest.layers();
    checkCounts(manifest, config);
    List<Integer> removed = new ArrayList<>();
    List<Descriptor> kept = new ArrayList<>();
    ImageConfig newConfig = config;
    for (int i = layers.size() - 1; i >= 0; i--) {
      if (TraceLayer.isTraceLayer(layers.get(i))) {
        removed.add(0, i);
        newConfig = newConfig.withoutLayer(i);
      }
    }
    for (int i = 0; i < layers.size(); i++) {
      if (!removed.contains(i)) {
        kept.add(layers.get(i));
      }
    }
    if (removed.isEmpty()) {
      return new Edited(raw, manifest, config, null, removed, null, null);
    }
    byte[] configBytes = newConfig.toJson();
    Descriptor configDescriptor = withContent(manifest.config(), configBytes);
    ImageManifest m = manifest.withConfig(configDescriptor).withLayers(kept);
    return new Edited(m.toRaw(), m, newConfig, configBytes, removed, null, null);
  }

  /**
   * The input with its trace layers removed and a new one holding {@code replayFile} on top; the
   * config gains the diff_id (the tar is uncompressed, so it equals the blob digest) and a history
   * entry dated {@code created}.
   */
  public static Edited withTraceLayer(
      RawManifest raw,
      ImageManifest manifest,
      ImageConfig config,
      byte[] replayFile,
      Instant created)
      throws ImageFormatException {
    Edited base = strip(raw, manifest, config);
    byte[] tar = TraceLayer.tar(replayFile, created);
    Descriptor layer = TraceLayer.descriptor(tar, manifest.mediaType());
    ImageConfig newConfig =
        base.config()
            .withAppendedLayer(
                Digest.of(tar),
                HistoryEntry.forLayer(created, CREATED_BY, "tracefetch replay plan"));
    byte[] configBytes = newConfig.toJson();
    ImageManifest m =
        base.parsed()
            .withConfig(withContent(manifest.config(), configBytes))
            .withAppendedLayer(layer);
    return new Edited(m.toRaw(), m, newConfig, configBytes, base.removed(), layer, tar);
  }

  private static Descriptor withContent(Descriptor old, byte[] content) {
    return new Descriptor(
        old.mediaType(),
        Digest.of(content),
        content.length,
        old.annotations(),
        old.artifactType(),
        old.platform());
  }

  private static void checkCounts(ImageManifest manifest, ImageConfig config)
      throws ImageFormatException {
    if (manifest.layers().size() != config.diffIds().size()) {
      throw new ImageFormatException(
          "manifest lists "
              + manifest.layers().size()
              + " layers but the config has "
              + config.diffIds().size()
              + " diff_ids");
    }
  }
}
