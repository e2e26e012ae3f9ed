package dev.tracefetch.builder.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracefetch.oci.image.Descriptor;
import dev.tracefetch.oci.image.MediaTypes;
import dev.tracefetch.oci.layout.OciLayout;
import dev.tracefetch.oci.registry.BlobPushResult;
import dev.tracefetch.oci.registry.RegistryClient;
import dev.tracefetch.oci.testing.RegistryExtension;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Blob copies between registries and layouts take the cheapest path and arrive intact. */
class RegistryRepositoryIT {
  @RegisterExtension static final RegistryExtension FIRST = RegistryExtension.anonymous();
  @RegisterExtension static final RegistryExtension SECOND = RegistryExtension.anonymous();

  @TempDir Path dir;

  static byte[] content(long seed) {
    byte[] b = new byte[300_000];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void mountsWithinARegistryAndCopiesAcrossRegistriesAndFromLayouts() throws Exception {
    byte[] bytes = content(1);
    Descriptor blob = Descriptor.ofContent(MediaTypes.OCI_LAYER_GZIP, bytes);
    try (RegistryClient first = FIRST.newClient();
        RegistryClient second = SECOND.newClient()) {
      RegistryRepository a = new RegistryRepository(first, "a");
      RegistryRepository b = new RegistryRepository(first, "b");
      RegistryRepository c = new RegistryRepository(second, "c");
      assertThat(a.putBlob(blob, bytes)).isEqualTo(BlobPushResult.UPLOADED);

      AtomicLong progress = new AtomicLong();
      assertThat(b.copyBlobFrom(a, blob, dir, progress::addAndGet))
          .isEqualTo(BlobPushResult.MOUNTED);
      assertThat(progress.get()).isEqualTo(bytes.length);
      assertThat(b.copyBlobFrom(a, blob, dir, n -> {})).isEqualTo(BlobPushResult.ALREADY_PRESENT);

      long uploadedBefore = second.counters().bytesUploaded();
      assertThat(c.copyBlobFrom(a, blob, dir, n -> {})).isEqualTo(BlobPushResult.UPLOADED);
      assertThat(second.counters().bytesUploaded() - uploadedBefore)
          .isGreaterThanOrEqualTo(bytes.length);
      assertThat(c.openBlob(blob).readAllBytes()).isEqualTo(bytes);
      assertThat(dir).isEmptyDirectory(); // the spool file is gone

      byte[] other = content(2);
      Descriptor fromLayout = Descriptor.ofContent(MediaTypes.OCI_LAYER_GZIP, other);
      OciLayout layout = OciLayout.create(dir.resolve("layout"));
      layout.writeBlob(fromLayout, new ByteArrayInputStream(other));
      AtomicLong sent = new AtomicLong();
      assertThat(c.copyBlobFrom(new LayoutRepository(layout), fromLayout, dir, sent::addAndGet))
          .isEqualTo(BlobPushResult.UPLOADED);
      assertThat(sent.get()).isEqualTo(other.length);
      assertThat(c.hasBlob(fromLayout)).isTrue();

      assertThat(c.blobRanges(blob).read(1000, 16))
          .isEqualTo(java.util.Arrays.copyOfRange(bytes, 1000, 1016));
      assertThatThrownBy(() -> c.blobRanges(blob).read(bytes.length - 8, 16))
          .isInstanceOf(EOFException.class)
          .hasMessageContaining(blob.digest().toString());
      assertThat(c.describe("v1")).isEqualTo(SECOND.hostPort() + "/c:v1");
      assertThat(c.describe(blob.digest().toString()))
          .isEqualTo(SECOND.hostPort() + "/c@" + blob.digest());
    }
  }
}
