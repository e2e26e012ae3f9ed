package dev.tracefetch.builder.layer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracefetch.api.files.ReplayArtifacts;
import dev.tracefetch.oci.image.Descriptor;
import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.image.HistoryEntry;
import dev.tracefetch.oci.image.ImageConfig;
import dev.tracefetch.oci.image.ImageManifest;
import dev.tracefetch.oci.image.MediaTypes;
import dev.tracefetch.oci.image.Platform;
import dev.tracefetch.oci.image.RawManifest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;

class TraceLayerEditorTest {
  static final Instant T = Instant.parse("2025-01-02T03:04:05Z");
  static final byte[] REPLAY = "replay-bytes".getBytes(StandardCharsets.UTF_8);

  static Descriptor layer(String seed) {
    return Descriptor.of(MediaTypes.OCI_LAYER_GZIP, Digest.ofUtf8(seed), 100);
  }

  record Image(RawManifest raw, ImageManifest manifest, ImageConfig config) {}

  static Image image(String manifestType) {
    ImageConfig config =
        ImageConfig.empty(Platform.linuxAmd64())
            .withAppendedLayer(Digest.ofUtf8("d1"), HistoryEntry.forLayer(T, "ADD base", null))
            .withAppendedHistory(new HistoryEntry(null, "CMD", null, null, true))
            .withAppendedLayer(Digest.ofUtf8("d2"), HistoryEntry.forLayer(T, "COPY app", null));
    byte[] json = config.toJson();
    String configType =
        manifestType.equals(MediaTypes.DOCKER_MANIFEST)
            ? MediaTypes.DOCKER_CONFIG
            : MediaTypes.OCI_CONFIG;
    ImageManifest m =
        new ImageManifest(
            manifestType,
            Descriptor.ofContent(configType, json),
            List.of(layer("a"), layer("b")),
            null,
            null,
            Map.of("org.example", "kept"));
    return new Image(m.toRaw(), m, config);
  }

  static List<String> names(byte[] tar) throws IOException {
    List<String> names = new ArrayList<>();
    try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
      for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        names.add(e.getName());
        assertThat(e.getModTime().toInstant()).isEqualTo(T);
        if (e.isFile()) {
          assertThat(in.readAllBytes()).isEqualTo(REPLAY);
          assertThat(e.getMode() & 07777).isEqualTo(0644);
        }
      }
    }
    return names;
  }

  @Test
  void addsOneMarkedUncompressedLayerWithDiffIdAndHistory() throws Exception {
    Image in = image(MediaTypes.OCI_MANIFEST);

    TraceLayerEditor.Edited e =
        TraceLayerEditor.withTraceLayer(in.raw(), in.manifest(), in.config(), REPLAY, T);

    assertThat(e.removed()).isEmpty();
    List<Descriptor> layers = e.parsed().layers();
    assertThat(layers).hasSize(3).startsWith(in.manifest().layers().toArray(Descriptor[]::new));
    Descriptor top = layers.get(2);
    assertThat(top).isEqualTo(e.added());
    assertThat(top.mediaType()).isEqualTo(MediaTypes.OCI_LAYER_TAR);
    assertThat(top.annotations()).containsEntry(ReplayArtifacts.TRACE_LAYER_ANNOTATION, "true");
    assertThat(top.digest()).isEqualTo(Digest.of(e.addedBlob()));
    assertThat(names(e.addedBlob()))
        .containsExactly(".tracefetch/", ReplayArtifacts.TRACE_LAYER_PATH);
    assertThat(e.config().diffIds()).hasSize(3).endsWith(top.digest());
    assertThat(e.config().history()).hasSize(4);
    assertThat(e.config().history().get(3).createdBy()).isEqualTo(TraceLayerEditor.CREATED_BY);
    assertThat(e.parsed().config().digest()).isEqualTo(Digest.of(e.configBytes()));
    assertThat(e.parsed().annotations()).containsEntry("org.example", "kept");
  }

  @Test
  void replacesAnExistingTraceLayerAndStripsBackToTheOriginalBytes() throws Exception {
    Image in = image(MediaTypes.OCI_MANIFEST);
    TraceLayerEditor.Edited once =
        TraceLayerEditor.withTraceLayer(in.raw(), in.manifest(), in.config(), REPLAY, T);

    TraceLayerEditor.Edited twice =
        TraceLayerEditor.withTraceLayer(
            once.manifest(),
            once.parsed(),
            once.config(),
            "other".getBytes(StandardCharsets.UTF_8),
            T.plusSeconds(60));
    assertThat(twice.removed()).containsExactly(2);
    assertThat(twice.parsed().layers()).hasSize(3);
    assertThat(twice.parsed().layers().stream().filter(TraceLayer::isTraceLayer)).hasSize(1);
    assertThat(twice.config().diffIds()).hasSize(3);
    assertThat(twice.config().history()).hasSize(4);

    TraceLayerEditor.Edited stripped =
        TraceLayerEditor.strip(twice.manifest(), twice.parsed(), twice.config());
    assertThat(stripped.removed()).containsExactly(2);
    assertThat(stripped.manifest().digest()).isEqualTo(in.raw().digest());
    assertThat(stripped.config()).isEqualTo(in.config());

    TraceLayerEditor.Edited nothing = TraceLayerEditor.strip(in.raw(), in.manifest(), in.config());
    assertThat(nothing.unchanged(in.raw())).isTrue();
    assertThat(nothing.removed()).isEmpty();
  }

  @Test
  void dockerImagesGetDockersUncompressedLayerType() throws Exception {
    Image in = image(MediaTypes.DOCKER_MANIFEST);

    TraceLayerEditor.Edited e =
        TraceLayerEditor.withTraceLayer(in.raw(), in.manifest(), in.config(), REPLAY, T);

    assertThat(e.manifest().mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST);
    assertThat(e.added().mediaType()).isEqualTo(TraceLayer.DOCKER_LAYER_TAR);
  }
}
