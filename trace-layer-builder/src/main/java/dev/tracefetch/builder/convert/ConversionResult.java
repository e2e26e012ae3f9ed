package dev.tracefetch.builder.convert;

import dev.tracefetch.oci.image.Descriptor;
import java.util.List;
import java.util.Objects;

/**
 * What {@link ImageConverter#convert} produced.
 *
 * @param source the source image as named ({@code host/repo:tag} or {@code oci:DIR:tag})
 * @param target the destination as named
 * @param sourceManifest the source image manifest (after choosing the platform from an index)
 * @param manifest the destination manifest as pushed
 * @param config the destination config blob
 * @param layers every layer, base first
 * @param missedPrioritizedFiles prioritized paths found in no layer
 */
public record ConversionResult(
    String source,
    String target,
    Descriptor sourceManifest,
    Descriptor manifest,
    Descriptor config,
    List<ConvertedLayer> layers,
    List<String> missedPrioritizedFiles) {

  public ConversionResult {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(sourceManifest, "sourceManifest");
    Objects.requireNonNull(manifest, "manifest");
    Objects.requireNonNull(config, "config");
    layers = List.copyOf(layers);
    missedPrioritizedFiles = List.copyOf(missedPrioritizedFiles);
  }

  /** Whether the destination manifest is byte for byte the source manifest. */
  public boolean unchanged() {
    return manifest.digest().equals(sourceManifest.digest());
  }

  /** Number of layers with {@code action}. */
  public long count(LayerAction action) {
    return layers.stream().filter(l -> l.action() == action).count();
  }
}
