package dev.tracefetch.oci.image;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One image's manifest: its config blob and ordered layers (OCI or Docker v2 schema 2), plus the
 * image-spec 1.1 artifact fields ({@code subject}, {@code artifactType}) that trace artifacts use
 * to point at the image they belong to. Immutable; {@code with...} methods return copies.
 *
 * <p>Re-serialising a parsed manifest gives a valid manifest but not necessarily the same bytes
 * (and so not the same digest): to pass a manifest through unchanged, keep its {@link RawManifest}.
 *
 * @param mediaType {@link MediaTypes#OCI_MANIFEST} or {@link MediaTypes#DOCKER_MANIFEST}
 * @param config descriptor of the config blob
 * @param layers layer descriptors, base layer first (never null)
 * @param subject the manifest this one refers to (may be null)
 * @param artifactType artifact type (may be null)
 * @param annotations manifest annotations (never null; omitted from JSON when empty)
 */
public record ImageManifest(
    String mediaType,
    Descriptor config,
    List<Descriptor> layers,
    Descriptor subject,
    String artifactType,
    Map<String, String> annotations)
    implements ManifestOrIndex {

  public ImageManifest {
    Objects.requireNonNull(mediaType, "mediaType");
    if (!MediaTypes.isManifest(mediaType)) {
      throw new IllegalArgumentException(
          "not an image manifest media type: '"
              + mediaType
              + "'; expected one of "
              + MediaTypes.MANIFESTS);
    }
    Objects.requireNonNull(config, "config");
    layers = layers == null ? List.of() : List.copyOf(layers);
    annotations =
        annotations == null
            ? Map.of()
            : Collections.unmodifiableMap(new LinkedHashMap<>(annotations));
    if (artifactType != null && artifactType.isEmpty()) {
      artifactType = null;
    }
  }

  /** An OCI image manifest with just a config and layers. */
  public static ImageManifest oci(Descriptor config, List<Descriptor> layers) {
    return new ImageManifest(MediaTypes.OCI_MANIFEST, config, layers, null, null, Map.of());
  }

  /** Parses a manifest; fails if the document is an index. */
  public static ImageManifest parse(String contentType, byte[] bytes) throws ImageFormatException {
    ManifestOrIndex parsed = ManifestOrIndex.parse(contentType, bytes);
    if (parsed instanceof ImageManifest m) {
      return m;
    }
    throw new ImageFormatException(
        "expected an image manifest but got an image index (" + parsed.mediaType() + ")");
  }

  public int schemaVersion() {
    return SCHEMA_VERSION;
  }

  public boolean isOci() {
    return mediaType.equals(MediaTypes.OCI_MANIFEST);
  }

  @Override
  public byte[] toJson() {
    return Json.write(ManifestJson.write(this));
  }

  public ImageManifest withConfig(Descriptor newConfig) {
    return new ImageManifest(mediaType, newConfig, layers, subject, artifactType, annotations);
  }

  public ImageManifest withLayers(List<Descriptor> newLayers) {
    return new ImageManifest(mediaType, config, newLayers, subject, artifactType, annotations);
  }

  /** A copy with {@code layer} on top of the existing layers. */
  public ImageManifest withAppendedLayer(Descriptor layer) {
    List<Descriptor> all = new ArrayList<>(layers);
    all.add(Objects.requireNonNull(layer, "layer"));
    return withLayers(all);
  }

  public ImageManifest withSubject(Descriptor newSubject) {
    return new ImageManifest(mediaType, config, layers, newSubject, artifactType, annotations);
  }

  public ImageManifest withArtifactType(String newArtifactType) {
    return new ImageManifest(mediaType, config, layers, subject, newArtifactType, annotations);
  }

  public ImageManifest withAnnotations(Map<String, String> newAnnotations) {
    return new ImageManifest(mediaType, config, layers, subject, artifactType, newAnnotations);
  }
}
