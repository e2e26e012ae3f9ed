package dev.tracefetch.builder.convert;

import dev.tracefetch.layer.estargz.Estargz;
import dev.tracefetch.oci.image.MediaTypes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which layer media types conversion accepts and what they become. eStargz is a gzip layer, so
 * every converted layer is {@code tar+gzip}: the OCI type in OCI manifests, Docker's in Docker v2
 * schema 2 manifests (as stargz-snapshotter's converter does when it keeps Docker types; the
 * eStargz annotations are written on Docker layer descriptors too, where registries keep them and
 * containerd reads them).
 */
public final class LayerMediaTypes {
  /** Docker's uncompressed layer type (rare, but valid in schema 2). */
  static final String DOCKER_LAYER_TAR = "application/vnd.docker.image.rootfs.diff.tar";

  /** Layer media types that can be converted. */
  public static final Set<String> CONVERTIBLE =
      Set.of(
          MediaTypes.OCI_LAYER_TAR,
          MediaTypes.OCI_LAYER_GZIP,
          MediaTypes.OCI_LAYER_ZSTD,
          MediaTypes.DOCKER_LAYER_GZIP,
          DOCKER_LAYER_TAR);

  /**
   * Annotation prefixes describing a blob's encoding; they are dropped from a converted layer's
   * descriptor because they no longer describe its blob (zstd:chunked, old eStargz values).
   */
  private static final List<String> ENCODING_ANNOTATION_PREFIXES =
      List.of(
          "containerd.io/snapshot/stargz/",
          "io.containers.estargz.",
          "io.github.containers.zstd-chunked.");

  private LayerMediaTypes() {}

  public static boolean isConvertible(String layerMediaType) {
    return CONVERTIBLE.contains(layerMediaType);
  }

  /** Whether layers of this type are gzip-compressed, i.e. may already be eStargz. */
  public static boolean isGzip(String layerMediaType) {
    return layerMediaType.equals(MediaTypes.OCI_LAYER_GZIP)
        || layerMediaType.equals(MediaTypes.DOCKER_LAYER_GZIP);
  }

  /** The media type of a converted layer in a manifest of {@code manifestMediaType}. */
  public static String estargzLayerType(String manifestMediaType) {
    return manifestMediaType.equals(MediaTypes.DOCKER_MANIFEST)
        ? MediaTypes.DOCKER_LAYER_GZIP
        : MediaTypes.OCI_LAYER_GZIP;
  }

  /**
   * The annotations of a converted layer: the source layer's own (e.g. a title) without those
   * describing the old encoding, plus {@code estargz} (the TOC digest and uncompressed size).
   */
  public static Map<String, String> convertedAnnotations(
      Map<String, String> source, Map<String, String> estargz) {
    Map<String, String> out = new LinkedHashMap<>();
    source.forEach(
        (k, v) -> {
          if (ENCODING_ANNOTATION_PREFIXES.stream().noneMatch(k::startsWith)) {
            out.put(k, v);
          }
        });
    out.putAll(estargz);
    return out;
  }

  /** Whether {@code annotations} carry both eStargz annotations. */
  static boolean hasEstargzAnnotations(Map<String, String> annotations) {
    return annotations.containsKey(Estargz.TOC_DIGEST_ANNOTATION)
        && annotations.containsKey(Estargz.UNCOMPRESSED_SIZE_ANNOTATION);
  }
}
