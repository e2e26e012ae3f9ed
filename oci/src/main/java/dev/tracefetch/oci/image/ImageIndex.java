package dev.tracefetch.oci.image;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A multi-platform image index (OCI index or Docker manifest list), also the format of a layout's
 * {@code index.json} and of a referrers listing. Its job here is to pick the one image a node can
 * run. Immutable.
 *
 * @param mediaType {@link MediaTypes#OCI_INDEX} or {@link MediaTypes#DOCKER_MANIFEST_LIST}
 * @param manifests entries, in document order (never null)
 * @param subject the manifest this index refers to (may be null)
 * @param artifactType artifact type (may be null)
 * @param annotations index annotations (never null; omitted from JSON when empty)
 */
public record ImageIndex(
    String mediaType,
    List<Descriptor> manifests,
    Descriptor subject,
    String artifactType,
    Map<String, String> annotations)
    implements ManifestOrIndex {

  public ImageIndex {
    Objects.requireNonNull(mediaType, "mediaType");
    if (!MediaTypes.isIndex(mediaType)) {
      throw new IllegalArgumentException(
          "not an image index media type: '"
              + mediaType
              + "'; expected one of "
              + MediaTypes.INDEXES);
    }
    manifests = manifests == null ? List.of() : List.copyOf(manifests);
    annotations =
        annotations == null
            ? Map.of()
            : Collections.unmodifiableMap(new LinkedHashMap<>(annotations));
    if (artifactType != null && artifactType.isEmpty()) {
      artifactType = null;
    }
  }

  /** An OCI index of {@code manifests}. */
  public static ImageIndex oci(List<Descriptor> manifests) {
    return new ImageIndex(MediaTypes.OCI_INDEX, manifests, null, null, Map.of());
  }

  /** Parses an index; fails if the document is a single-image manifest. */
  public static ImageIndex parse(String contentType, byte[] bytes) throws ImageFormatException {
    ManifestOrIndex parsed = ManifestOrIndex.parse(contentType, bytes);
    if (parsed instanceof ImageIndex i) {
      return i;
    }
    throw new ImageFormatException(
        "expected an image index but got an image manifest (" + parsed.mediaType() + ")");
  }

  public int schemaVersion() {
    return SCHEMA_VERSION;
  }

  @Override
  public byte[] toJson() {
    return Json.write(ManifestJson.write(this));
  }

  /**
   * The entry for {@code wanted}: same os and architecture; if {@code wanted} names a variant, an
   * entry with exactly that variant wins over one without a variant. Entries without a platform
   * (attestations, plain layout entries) never match.
   *
   * @throws NoMatchingPlatformException listing the available platforms when nothing matches
   */
  public Descriptor select(Platform wanted) throws NoMatchingPlatformException {
    Objects.requireNonNull(wanted, "wanted");
    Descriptor loose = null;
    for (Descriptor d : manifests) {
      Platform p = d.platform();
      if (p == null || !wanted.matches(p)) {
        continue;
      }
      if (wanted.variant() == null || wanted.variant().equals(p.variant())) {
        return d;
      }
      if (loose == null) {
        loose = d;
      }
    }
    if (loose != null) {
      return loose;
    }
    throw new NoMatchingPlatformException(wanted, availablePlatforms());
  }

  /** {@link #select} for the platform this JVM runs on. */
  public Descriptor selectForHost() throws NoMatchingPlatformException {
    return select(Platform.host());
  }

  /** The entries' platforms as {@code os/arch[/variant]}, {@code (no platform)} where absent. */
  public List<String> availablePlatforms() {
    List<String> out = new ArrayList<>();
    for (Descriptor d : manifests) {
      out.add(d.platform() == null ? "(no platform)" : d.platform().toString());
    }
    return List.copyOf(out);
  }

  public ImageIndex withManifests(List<Descriptor> newManifests) {
    return new ImageIndex(mediaType, newManifests, subject, artifactType, annotations);
  }

  public ImageIndex withAnnotations(Map<String, String> newAnnotations) {
    return new ImageIndex(mediaType, manifests, subject, artifactType, newAnnotations);
  }
}
