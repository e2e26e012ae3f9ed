package dev.tracefetch.builder.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracefetch.oci.image.ContentNotFoundException;
import dev.tracefetch.oci.image.Descriptor;
import dev.tracefetch.oci.image.DigestMismatchException;
import dev.tracefetch.oci.image.ImageFormatException;
import dev.tracefetch.oci.image.ImageReference;
import dev.tracefetch.oci.image.MediaTypes;
import dev.tracefetch.oci.image.OciLayoutReference;
import dev.tracefetch.oci.layout.OciLayout;
import dev.tracefetch.oci.registry.BlobPushResult;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayoutRepositoryTest {
  static final byte[] CONTENT = "layer bytes".getBytes(StandardCharsets.UTF_8);
  static final Descriptor BLOB = Descriptor.ofContent(MediaTypes.OCI_LAYER_GZIP, CONTENT);

  @TempDir Path dir;

  @Test
  void storesOnlyMatchingContentAndReportsProgress() throws Exception {
    LayoutRepository repo = new LayoutRepository(OciLayout.create(dir.resolve("l")));
    Path wrong = Files.write(dir.resolve("wrong"), "other bytes".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> repo.putBlob(BLOB.withAnnotations(java.util.Map.of()), wrong, n -> {}))
        .isInstanceOf(DigestMismatchException.class);
    assertThat(repo.hasBlob(BLOB)).isFalse();

    Path right = Files.write(dir.resolve("right"), CONTENT);
    AtomicLong progress = new AtomicLong();
    assertThat(repo.putBlob(BLOB, right, progress::addAndGet)).isEqualTo(BlobPushResult.UPLOADED);
    assertThat(progress.get()).isEqualTo(CONTENT.length);
    assertThat(repo.hasBlob(BLOB)).isTrue();
    assertThat(repo.putBlob(BLOB, right, n -> {})).isEqualTo(BlobPushResult.ALREADY_PRESENT);
    assertThat(repo.openBlob(BLOB).readAllBytes()).isEqualTo(CONTENT);
    assertThat(repo.blobRanges(BLOB).read(6, 5))
        .isEqualTo("bytes".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void copiesBetweenLayoutsAndNamesMissingBlobs() throws Exception {
    LayoutRepository from = new LayoutRepository(OciLayout.create(dir.resolve("a")));
    LayoutRepository to = new LayoutRepository(OciLayout.create(dir.resolve("b")));
    assertThatThrownBy(() -> to.copyBlobFrom(from, BLOB, dir, n -> {}))
        .isInstanceOf(ContentNotFoundException.class)
        .hasMessageContaining(BLOB.digest().toString())
        .hasMessageContaining(from.describe());

    from.layout().writeBlob(BLOB, new ByteArrayInputStream(CONTENT));
    AtomicLong progress = new AtomicLong();
    assertThat(to.copyBlobFrom(from, BLOB, dir, progress::addAndGet))
        .isEqualTo(BlobPushResult.UPLOADED);
    assertThat(progress.get()).isEqualTo(CONTENT.length);
    assertThat(to.copyBlobFrom(from, BLOB, dir, n -> {})).isEqualTo(BlobPushResult.ALREADY_PRESENT);

    Descriptor liar = Descriptor.of(BLOB.mediaType(), BLOB.digest(), BLOB.size() + 1);
    assertThatThrownBy(() -> from.openBlob(liar))
        .isInstanceOf(ImageFormatException.class)
        .hasMessageContaining("descriptor says " + liar.size());
  }

  @Test
  void endpointsOpenLayoutsAndRefuseDigestOnlyDestinations() throws Exception {
    try (RegistryClients clients = RegistryClients.withDockerCredentials(Set.of())) {
      Path missing = dir.resolve("missing");
      assertThatThrownBy(
              () -> ImageEndpoint.openForReading(new OciLayoutReference(missing, "v1"), clients))
          .isInstanceOf(ImageFormatException.class)
          .hasMessageContaining(missing.toString());

      ImageEndpoint out =
          ImageEndpoint.openForWriting(new OciLayoutReference(missing, null), clients);
      assertThat(out.reference()).isEqualTo(ImageEndpoint.DEFAULT_LAYOUT_TAG);
      assertThat(out.describe()).isEqualTo("oci:" + missing + ":latest");
      assertThat(Files.isRegularFile(missing.resolve("oci-layout"))).isTrue();

      ImageEndpoint registry =
          ImageEndpoint.openForReading(ImageReference.parse("127.0.0.1:5999/ns/app:v2"), clients);
      assertThat(registry.describe()).isEqualTo("127.0.0.1:5999/ns/app:v2");
      assertThatThrownBy(
              () ->
                  ImageEndpoint.openForWriting(
                      ImageReference.parse("127.0.0.1:5999/ns/app@sha256:" + "b".repeat(64)),
                      clients))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("must name a tag");
    }
  }
}
