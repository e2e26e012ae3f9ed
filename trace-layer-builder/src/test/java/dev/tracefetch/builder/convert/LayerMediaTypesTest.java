package dev.tracefetch.builder.convert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracefetch.layer.estargz.Estargz;
import dev.tracefetch.oci.image.MediaTypes;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LayerMediaTypesTest {
  @Test
  void convertedLayersAreGzipOfTheManifestsFamily() {
    assertThat(LayerMediaTypes.estargzLayerType(MediaTypes.OCI_MANIFEST))
        .isEqualTo(MediaTypes.OCI_LAYER_GZIP);
    assertThat(LayerMediaTypes.estargzLayerType(MediaTypes.DOCKER_MANIFEST))
        .isEqualTo(MediaTypes.DOCKER_LAYER_GZIP);
  }

  @Test
  void acceptsTarGzipAndZstdLayersOnly() {
    assertThat(LayerMediaTypes.isConvertible(MediaTypes.OCI_LAYER_TAR)).isTrue();
    assertThat(LayerMediaTypes.isConvertible(MediaTypes.OCI_LAYER_GZIP)).isTrue();
    assertThat(LayerMediaTypes.isConvertible(MediaTypes.OCI_LAYER_ZSTD)).isTrue();
    assertThat(LayerMediaTypes.isConvertible(MediaTypes.DOCKER_LAYER_GZIP)).isTrue();
    assertThat(LayerMediaTypes.isConvertible("application/vnd.docker.image.rootfs.diff.tar"))
        .isTrue();
    assertThat(
            LayerMediaTypes.isConvertible(
                "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip"))
        .isFalse();
    assertThat(LayerMediaTypes.isConvertible(MediaTypes.OCI_CONFIG)).isFalse();
    assertThat(LayerMediaTypes.isGzip(MediaTypes.OCI_LAYER_GZIP)).isTrue();
    assertThat(LayerMediaTypes.isGzip(MediaTypes.OCI_LAYER_ZSTD)).isFalse();
  }

  @Test
  void convertedAnnotationsKeepTheSourcesButDropStaleEncodingOnes() {
    Map<String, String> source = new LinkedHashMap<>();
    source.put("org.opencontainers.image.title", "app.tar");
    source.put(Estargz.TOC_DIGEST_ANNOTATION, "sha256:old");
    source.put(Estargz.UNCOMPRESSED_SIZE_ANNOTATION, "1");
    source.put("io.github.containers.zstd-chunked.manifest-checksum", "sha256:zzz");
    source.put("io.github.containers.zstd-chunked.manifest-position", "1:2:3:4");
    Map<String, String> fresh =
        Map.of(
            Estargz.TOC_DIGEST_ANNOTATION, "sha256:new", Estargz.UNCOMPRESSED_SIZE_ANNOTATION, "9");

    assertThat(LayerMediaTypes.convertedAnnotations(source, fresh))
        .containsOnly(
            Map.entry("org.opencontainers.image.title", "app.tar"),
            Map.entry(Estargz.TOC_DIGEST_ANNOTATION, "sha256:new"),
            Map.entry(Estargz.UNCOMPRESSED_SIZE_ANNOTATION, "9"));
  }
}
