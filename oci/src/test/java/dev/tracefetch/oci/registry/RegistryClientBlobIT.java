package dev.tracefetch.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracefetch.oci.image.Descriptor;
import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.image.DigestMismatchException;
import dev.tracefetch.oci.testing.RegistryExtension;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Blob operations against a real registry (Debian's docker-registry, distribution 2.8). */
class RegistryClientBlobIT {
  @RegisterExtension static final RegistryExtension REGISTRY = RegistryExtension.anonymous();

  private static final int MIB = 1 << 20;
  private static final byte[] BIG = randomBytes(20 * MIB, 42);
  private static final Digest BIG_DIGEST = Digest.of(BIG);
  private static RegistryClient client;

  @BeforeAll
  static void pushBigBlob() throws Exception {
    // 8 MiB threshold, 5 MiB chunks: the 20 MiB blob goes up in four PATCHes and a closing PUT.
    client = REGISTRY.clientBuilder().chunkedUploads(8L * MIB, 5L * MIB).build();
    assertThat(client.pushBlob("blobs/big", BIG_DIGEST, BlobSource.of(BIG)))
        .isEqualTo(BlobPushResult.UPLOADED);
  }

  @AfterAll
  static void closeClient() {
    client.close();
  }

  private static byte[] randomBytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void chunkedUploadStoredTheExactBytes() throws Exception {
    assertThat(Files.readAllBytes(REGISTRY.server().blobDataPath(BIG_DIGEST))).isEqualTo(BIG);
    assertThat(client.blobSize("blobs/big", BIG_DIGEST)).hasValue(BIG.length);
  }

  @Test
  void pullsTheWholeBlobByteIdentical() throws Exception {
    try (InputStream in = client.fetchBlob("blobs/big", BIG_DIGEST)) {
      assertThat(in.readAllBytes()).isEqualTo(BIG);
    }
    Descriptor d = Descriptor.of("application/octet-stream", BIG_DIGEST, BIG.length);
    try (InputStream in = client.fetchBlob("blobs/big", d)) {
      assertThat(Digest.of(in.readAllBytes())).isEqualTo(BIG_DIGEST);
    }
  }

  @Test
  void pullsTheBlobToAFile(@TempDir Path dir) throws Exception {
    Path target = dir.resolve("sub/blob");
    client.fetchBlob("blobs/big", BIG_DIGEST, target);
    assertThat(Files.readAllBytes(target)).isEqualTo(BIG);
    try (var files = Files.list(target.getParent())) {
      assertThat(files).containsExactly(target);
    }
  }

  @Test
  void rangedReadsReturnExactBytes() throws Exception {
    long[][] ranges = {
      {0, 1},
      {0, 4096},
      {1, 100},
      {4L * MIB - 100, 200}, // across the 4 MiB chunk boundary
      {8L * MIB - 1, 2},
      {10L * MIB + 12345, 65536}, // the middle
      {5L * MIB - 10, MIB + 20}, // across an upload chunk boundary, more than a chunk
      {BIG.length - 4096, 4096}, // the last bytes
      {BIG.length - 1, 1}
    };
    long before = client.counters().bytesDownloaded();
    long asked = 0;
    for (long[] r : ranges) {
      asked += r[1];
      byte[] got = client.fetchBlobRange("blobs/big", BIG_DIGEST, r[0], (int) r[1]);
      assertThat(got)
          .as("bytes %d+%d", r[0], r[1])
          .isEqualTo(Arrays.copyOfRange(BIG, (int) r[0], (int) (r[0] + r[1])));
    }
    assertThat(client.counters().bytesDownloaded() - before)
        .as("only the requested ranges travel, not the whole blob")
        .isEqualTo(asked);
  }

  @Test
  void aStreamedRangeReachesItsConsumerWithTheSameBytesAndConnectionCounts() throws Exception {
    long before = client.counters().bytesDownloaded();
    java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
    client.streamBlobRange(
        "blobs/big",
        BIG_DIGEST,
        12_345,
        300_000,
        in -> {
          // Read in small pieces, as the prefetcher does chunk by chunk.
          byte[] piece = new byte[4096];
          int n;
          while ((n = in.read(piece)) > 0) {
            got.write(piece, 0, n);
          }
        });
    assertThat(got.toByteArray()).isEqualTo(Arrays.copyOfRange(BIG, 12_345, 12_345 + 300_000));
    assertThat(client.counters().bytesDownloaded() - before).isEqualTo(300_000);
    assertThatThrownBy(
            () -> client.streamBlobRange("blobs/big", BIG_DIGEST, BIG.length + 10, 10, in -> {}))
        .isInstanceOf(RegistryProtocolException.class)
        .hasMessageContaining("range not satisfiable");
  }

  @Test
  void rangeCrossingTheEndIsClipped() throws Exception {
    byte[] got = client.fetchBlobRange("blobs/big", BIG_DIGEST, BIG.length - 10, 100);
    assertThat(got).isEqualTo(Arrays.copyOfRange(BIG, BIG.length - 10, BIG.length));
  }

  @Test
  void rangeBeyondTheEndIsAProtocolError() {
    assertThatThrownBy(() -> client.fetchBlobRange("blobs/big", BIG_DIGEST, BIG.length + 10, 10))
        .isInstanceOf(RegistryProtocolException.class)
        .hasMessageContaining("blobs/big")
        .hasMessageContaining(BIG_DIGEST.toString());
  }

  @Test
  void monolithicPushAndExistence() throws Exception {
    byte[] small = randomBytes(3000, 7);
    Digest d = Digest.of(small);
    assertThat(client.blobExists("blobs/small", d)).isFalse();
    assertThat(client.pushBlob("blobs/small", d, BlobSource.of(small)))
        .isEqualTo(BlobPushResult.UPLOADED);
    assertThat(client.blobExists("blobs/small", d)).isTrue();
    assertThat(client.pushBlob("blobs/small", d, BlobSource.of(small)))
        .isEqualTo(BlobPushResult.ALREADY_PRESENT);
    try (InputStream in = client.fetchBlob("blobs/small", d)) {
      assertThat(in.readAllBytes()).isEqualTo(small);
    }
  }

  @Test
  void pushFromAFile(@TempDir Path dir) throws Exception {
    byte[] content = randomBytes(12 * MIB + 3, 9);
    Path file = dir.resolve("blob");
    Files.write(file, content);
    Digest d = Digest.of(content);
    assertThat(client.pushBlob("blobs/file", d, BlobSource.of(file)))
        .isEqualTo(BlobPushResult.UPLOADED);
    assertThat(Files.readAllBytes(REGISTRY.server().blobDataPath(d))).isEqualTo(content);
  }

  @Test
  void wrongDigestIsRefusedByTheRegistry() {
    byte[] content = randomBytes(100, 11);
    Digest wrong = Digest.of(new byte[] {1, 2, 3});
    assertThatThrownBy(() -> client.pushBlob("blobs/wrong", wrong, BlobSource.of(content)))
        .isInstanceOf(RegistryProtocolException.class)
        .hasMessageContaining("upload blob")
        .hasMessageContaining(wrong.toString())
        .hasMessageContaining("DIGEST_INVALID");
  }

  @Test
  void mountsFromAnotherRepository() throws Exception {
    assertThat(client.mountBlob("blobs/mounted", BIG_DIGEST, "blobs/big")).isTrue();
    assertThat(client.blobExists("blobs/mounted", BIG_DIGEST)).isTrue();
    Digest unknown = Digest.of(new byte[] {9});
    assertThat(client.mountBlob("blobs/mounted", unknown, "blobs/big")).isFalse();
    assertThat(client.blobExists("blobs/mounted", unknown)).isFalse();
  }

  @Test
  void mountFallsBackToUploadWhenTheSourceLacksTheBlob() throws Exception {
    byte[] content = randomBytes(5000, 13);
    Digest d = Digest.of(content);
    assertThat(client.pushBlob("blobs/fallback", d, BlobSource.of(content), "blobs/big"))
        .isEqualTo(BlobPushResult.UPLOADED);
    assertThat(client.pushBlob("blobs/fallback2", d, BlobSource.of(content), "blobs/fallback"))
        .isEqualTo(BlobPushResult.MOUNTED);
    try (InputStream in = client.fetchBlob("blobs/fallback2", d)) {
      assertThat(in.readAllBytes()).isEqualTo(content);
    }
  }

  @Test
  void unknownBlobIsATypedError() {
    Digest unknown = Digest.of(new byte[] {4, 5, 6});
    assertThatThrownBy(() -> client.fetchBlob("blobs/big", unknown).close())
        .isInstanceOf(BlobUnknownException.class)
        .hasMessageContaining("pull blob")
        .hasMessageContaining(REGISTRY.hostPort())
        .hasMessageContaining("blobs/big")
        .hasMessageContaining(unknown.toString());
  }

  @Test
  void registryDownThenBack() throws Exception {
    REGISTRY.server().stop();
    assertThatThrownBy(() -> client.blobExists("blobs/big", BIG_DIGEST))
        .isInstanceOf(RegistryUnavailableException.class)
        .hasMessageContaining(REGISTRY.hostPort())
        .hasMessageContaining("after 3 attempt(s)");
    REGISTRY.server().restart();
    assertThat(client.blobExists("blobs/big", BIG_DIGEST)).isTrue();
  }

  @Test
  void corruptedBlobInStorageIsADigestMismatch(@TempDir Path dir) throws Exception {
    byte[] content = randomBytes(300_000, 17);
    Digest d = Digest.of(content);
    client.pushBlob("blobs/corrupt", d, BlobSource.of(content));
    Path data = REGISTRY.server().blobDataPath(d);
    try (RandomAccessFile f = new RandomAccessFile(data.toFile(), "rw")) {
      f.seek(123_456);
      int b = f.read();
      f.seek(123_456);
      f.write(b ^ 0xff);
    }
    assertThatThrownBy(
            () -> {
              try (InputStream in = client.fetchBlob("blobs/corrupt", d)) {
                in.readAllBytes();
              }
            })
        .isInstanceOf(DigestMismatchException.class)
        .hasMessageContaining(d.toString())
        .hasMessageContaining("blobs/corrupt");

    Path target = dir.resolve("out");
    assertThatThrownBy(() -> client.fetchBlob("blobs/corrupt", d, target))
        .isInstanceOf(DigestMismatchException.class)
        .satisfies(e -> assertThat(((DigestMismatchException) e).expected()).isEqualTo(d));
    try (var files = Files.list(dir)) {
      assertThat(files).as("nothing half-written is left").isEmpty();
    }
  }
}
