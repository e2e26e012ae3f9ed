package dev.tracefetch.oci.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.registry.BlobSource;
import dev.tracefetch.oci.registry.RegistryClient;
import dev.tracefetch.oci.registry.RegistryTimeouts;
import dev.tracefetch.oci.registry.RetryPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The fault proxy in front of a real registry, and what the registry client does with each fault:
 * retries 5xx and 429 (honouring {@code Retry-After}), gives up within its timeouts on a stall, and
 * never hands out a cut body as a whole one.
 */
class FaultProxyIT {
  private static final String REPO = "faults/blob";

  @RegisterExtension static final RegistryExtension REGISTRY = RegistryExtension.anonymous();

  private static byte[] blob;
  private static Digest digest;

  @BeforeAll
  static void push() throws Exception {
    blob = new byte[300_000];
    new Random(5).nextBytes(blob);
    digest = Digest.of(blob);
    try (RegistryClient client = REGISTRY.newClient()) {
      client.pushBlob(REPO, digest, BlobSource.of(blob));
    }
  }

  private static RegistryClient client(FaultProxy proxy, int attempts) {
    return proxy
        .clientBuilder()
        .timeouts(
            new RegistryTimeouts(
                Duration.ofSeconds(2),
                Duration.ofSeconds(2),
                Duration.ofSeconds(2),
                Duration.ofSeconds(5)))
        .retryPolicy(
            new RetryPolicy(
                attempts, Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofSeconds(2)))
        .build();
  }

  private static byte[] fetch(RegistryClient client) throws IOException {
    try (InputStream in = client.fetchBlob(REPO, digest)) {
      return in.readAllBytes();
    }
  }

  @Test
  void passesRequestsThroughUnchanged() throws Exception {
    try (FaultProxy proxy = FaultProxy.start(REGISTRY.server());
        RegistryClient client = client(proxy, 1)) {
      assertThat(fetch(client)).isEqualTo(blob);
      assertThat(client.fetchBlobRange(REPO, digest, 1000, 500))
          .isEqualTo(Arrays.copyOfRange(blob, 1000, 1500));
      assertThat(proxy.requests()).isGreaterThanOrEqualTo(2);
      assertThat(proxy.faulted()).isZero();
    }
  }

  @Test
  void errorAnswersAreRetriedAndAPersistentOneFailsTheCall() throws Exception {
    try (FaultProxy proxy = FaultProxy.start(REGISTRY.server());
        RegistryClient client = client(proxy, 3)) {
      proxy.inject(FaultProxy.Fault.status(503), FaultProxy.BLOB_REQUESTS, 2);
      assertThat(client.fetchBlobRange(REPO, digest, 0, 100)).isEqualTo(Arrays.copyOf(blob, 100));
      assertThat(proxy.faulted()).isEqualTo(2);

      proxy.inject(FaultProxy.Fault.status(500), FaultProxy.BLOB_REQUESTS);
      assertThatThrownBy(() -> client.fetchBlobRange(REPO, digest, 0, 100))
          .isInstanceOf(IOException.class);
      assertThat(proxy.faulted()).isEqualTo(5);
      proxy.heal();
      assertThat(client.fetchBlobRange(REPO, digest, 0, 100)).isEqualTo(Arrays.copyOf(blob, 100));
    }
  }

  @Test
  void rateLimitingIsWaitedOutWhenRetryAfterIsShortAndFailsAtOnceWhenItIsLong() throws Exception {
    try (FaultProxy proxy = FaultProxy.start(REGISTRY.server());
        RegistryClient client = client(proxy, 3)) {
      proxy.inject(
          FaultProxy.Fault.tooManyRequests(Duration.ofSeconds(1)), FaultProxy.BLOB_REQUESTS, 1);
      assertThat(client.fetchBlobRange(REPO, digest, 0, 100)).isEqualTo(Arrays.copyOf(blob, 100));
      assertThat(proxy.faulted()).isEqualTo(1);

      // Longer than the client's maxRetryAfter (2 s): no sleeping through it, no retry.
      proxy.inject(FaultProxy.Fault.tooManyRequests(Duration.ofHours(1)), FaultProxy.BLOB_REQUESTS);
      assertThatThrownBy(() -> client.fetchBlobRange(REPO, digest, 0, 100))
          .isInstanceOf(IOException.class);
      assertThat(proxy.faulted()).isEqualTo(2);
    }
  }

  @Test
  void aStalledRegistryFailsTheCallWithinTheClientsTimeouts() throws Exception {
    try (FaultProxy proxy = FaultProxy.start(REGISTRY.server());
        RegistryClient client = client(proxy, 1)) {
      proxy.inject(FaultProxy.Fault.stall(), FaultProxy.BLOB_REQUESTS);
      assertThatThrownBy(() -> client.fetchBlobRange(REPO, digest, 0, 100))
          .isInstanceOf(IOException.class);
      assertThat(proxy.faulted()).isEqualTo(1);
      proxy.heal();
      assertThat(client.fetchBlobRange(REPO, digest, 0, 100)).isEqualTo(Arrays.copyOf(blob, 100));
    }
  }

  @Test
  void aCutOrDroppedAnswerIsNeverTakenForTheWholeBlob() throws Exception {
    try (FaultProxy proxy = FaultProxy.start(REGISTRY.server());
        RegistryClient client = client(proxy, 1)) {
      proxy.inject(FaultProxy.Fault.cutBodyAfter(50_000), FaultProxy.BLOB_REQUESTS);
      assertThatThrownBy(() -> fetch(client)).isInstanceOf(IOException.class);
      assertThatThrownBy(() -> client.fetchBlobRange(REPO, digest, 0, 100_000))
          .isInstanceOf(IOException.class);
      proxy.inject(FaultProxy.Fault.drop(), FaultProxy.BLOB_REQUESTS);
      assertThatThrownBy(() -> client.fetchBlobRange(REPO, digest, 0, 100))
          .isInstanceOf(IOException.class);
      proxy.heal();
      assertThat(fetch(client)).isEqualTo(blob);
    }
    try (FaultProxy proxy = FaultProxy.start(REGISTRY.server());
        RegistryClient client = client(proxy, 3)) {
      // A client allowed to retry resumes a cut download where it broke off and verifies it.
      proxy.inject(FaultProxy.Fault.cutBodyAfter(50_000), FaultProxy.BLOB_REQUESTS, 1);
      assertThat(fetch(client)).isEqualTo(blob);
      assertThat(proxy.faulted()).isEqualTo(1);
    }
  }
}
