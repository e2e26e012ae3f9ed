package dev.tracefetch.oci.image;

import java.util.Set;

/**
 * Media types of the OCI image spec and Docker's v2 schema 2, which registries serve side by side.
 */
public final class MediaTypes {
  private MediaTypes() {}

  public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
  public static final String OCI_LAYER_TAR = "application/vnd.oci.image.layer.v1.tar";
  public static final String OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
  public static final String OCI_LAYER_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd";
  public static final String OCI_EMPTY = "application/vnd.oci.empty.v1+json";

  public static final String DOCKER_MANIFEST =
      "application/vnd.docker.distribution.manifest.v2+json";
  public static final String DOCKER_MANIFEST_LIST =
      "application/vnd.docker.distribution.manifest.list.v2+json";
  public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
  public static final String DOCKER_LAYER_GZIP =
      "application/vnd.docker.image.rootfs.diff.tar.gzip";

  /** Single-image manifests. */
  public static final Set<String> MANIFESTS = Set.of(OCI_MANIFEST, DOCKER_MANIFEST);

  /** Multi-platform indexes. */
  public static final Set<String> INDEXES = Set.of(OCI_INDEX, DOCKER_MANIFEST_LIST);

  /** Everything a manifest GET should accept, for the {@code Accept} header. */
  public static final String MANIFEST_ACCEPT =
      String.join(", ", OCI_MANIFEST, OCI_INDEX, DOCKER_MANIFEST, DOCKER_MANIFEST_LIST);

  public static boolean isManifest(String mediaType) {
    return MANIFESTS.contains(mediaType);
  }

  public static boolean isIndex(String mediaType) {
    return INDEXES.contains(mediaType);
  }
}
