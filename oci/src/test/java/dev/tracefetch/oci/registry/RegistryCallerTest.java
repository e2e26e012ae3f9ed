package dev.tracefetch.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.image.DigestMismatchException;
import dev.tracefetch.oci.registry.auth.Credentials;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okhttp3.mockwebserver.SocketPolicy;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Retries, rate limiting, redirects and resumption: behaviour at boundaries the real registry
 * cannot be made to produce, so MockWebServer plays the registry (and a storage host).
 */
class RegistryCallerTest {
  private static final byte[] BLOB = bytes(100_000);
  private static final Digest DIGEST = Digest.of(BLOB);

  private MockWebServer registry;
  private final List<Duration> sleeps = new ArrayList<>();

  @BeforeEach
  void start() throws IOException {
    registry = new MockWebServer();
    registry.start();
  }

  @AfterEach
  void stop() throws IOException {
    registry.shutdown();
  }

  private static byte[] bytes(int n) {
    byte[] b = new byte[n];
    new Random(1).nextBytes(b);
    return b;
  }

  private String hostPort() {
    return "127.0.0.1:" + registry.getPort();
  }

  private RegistryClient.Builder clientBuilder() {
    return RegistryClient.builder(hostPort())
        .retryPolicy(
            new RetryPolicy(
                3, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(30)))
        .sleeper(sleeps::add)
        .random(new Random(5));
  }

  private static MockResponse partial(int from, int to) {
    return new MockResponse()
        .setResponseCode(206)
        .setHeader("Content-Range", "bytes " + from + "-" + to + "/" + BLOB.length)
        .setBody(new Buffer().write(Arrays.copyOfRange(BLOB, from, to + 1)));
  }

  @Test
  void retriesServerErrorsWithBackoffThenSucceeds() throws Exception {
    registry.enqueue(new MockResponse().setResponseCode(503));
    registry.enqueue(new MockResponse().setResponseCode(500));
    registry.enqueue(partial(10, 19));
    try (RegistryClient client = clientBuilder().build()) {
      assertThat(client.fetchBlobRange("app", DIGEST, 10, 10))
          .isEqualTo(Arrays.copyOfRange(BLOB, 10, 20));
      assertThat(client.counters().requests()).isEqualTo(3);
      assertThat(client.counters().retries()).isEqualTo(2);
    }
    assertThat(registry.getRequestCount()).isEqualTo(3);
    assertThat(sleeps).hasSize(2);
    // Exponential with jitter in the upper half: 50-100 ms, then 100-200 ms.
    assertThat(sleeps.get(0)).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
    assertThat(sleeps.get(1)).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
  }

  @Test
  void givesUpAfterMaxAttemptsWithATypedError() {
    for (int i = 0; i < 5; i++) {
      registry.enqueue(
          new MockResponse()
              .setResponseCode(502)
              .setBody("{\"errors\":[{\"code\":\"UNAVAILABLE\",\"message\":\"backend down\"}]}"));
    }
    try (RegistryClient client = clientBuilder().build()) {
      assertThatThrownBy(() -> client.fetchBlobRange("team/app", DIGEST, 0, 10))
          .isInstanceOf(RegistryServerException.class)
          .hasMessageContaining("pull blob range")
          .hasMessageContaining(hostPort())
          .hasMessageContaining("team/app")
          .hasMessageContaining(DIGEST.toString())
          .hasMessageContaining("HTTP 502")
          .hasMessageContaining("UNAVAILABLE")
          .hasMessageContaining("backend down");
    }
    assertThat(registry.getRequestCount()).isEqualTo(3);
  }

  @Test
  void honoursRetryAfterOn429() throws Exception {
    registry.enqueue(new MockResponse().setResponseCode(429).setHeader("Retry-After", "7"));
    registry.enqueue(partial(0, 4));
    try (RegistryClient client = clientBuilder().build()) {
      assertThat(client.fetchBlobRange("app", DIGEST, 0, 5)).isEqualTo(Arrays.copyOf(BLOB, 5));
    }
    assertThat(sleeps).containsExactly(Duration.ofSeconds(7));
  }

  @Test
  void retryAfterLongerThanAllowedFailsAtOnce() {
    registry.enqueue(new MockResponse().setResponseCode(429).setHeader("Retry-After", "3600"));
    try (RegistryClient client = clientBuilder().build()) {
      assertThatThrownBy(() -> client.blobExists("app", DIGEST))
          .isInstanceOfSatisfying(
              RegistryRateLimitedException.class,
              e -> assertThat(e.retryAfter()).contains(Duration.ofHours(1)))
          .hasMessageContaining("HTTP 429");
    }
    assertThat(registry.getRequestCount()).isEqualTo(1);
    assertThat(sleeps).isEmpty();
  }

  @Test
  void retriesConnectionErrors() throws Exception {
    registry.enqueue(new MockResponse().setSocketPolicy(SocketPolicy.DISCONNECT_AT_START));
    registry.enqueue(new MockResponse().setResponseCode(200).setHeader("Content-Length", "5"));
    try (RegistryClient client = clientBuilder().build()) {
      assertThat(client.blobSize("app", DIGEST)).hasValue(5);
    }
    assertThat(sleeps).hasSize(1);
  }

  @Test
  void clientErrorsAreNotRetried() {
    registry.enqueue(new MockResponse().setResponseCode(403));
    try (RegistryClient client = clientBuilder().build()) {
      assertThatThrownBy(() -> client.blobExists("app", DIGEST))
          .isInstanceOf(RegistryForbiddenException.class)
          .hasMessageContaining("check blob");
    }
    assertThat(registry.getRequestCount()).isEqualTo(1);
  }

  @Test
  void failedUploadRestartsFromANewSessionInsteadOfRepeatingThePut() throws Exception {
    registry.enqueue(new MockResponse().setResponseCode(404)); // HEAD
    registry.enqueue(
        new MockResponse().setResponseCode(202).setHeader("Location", "/v2/app/blobs/uploads/one"));
    registry.enqueue(new MockResponse().setResponseCode(500)); // PUT fails
    registry.enqueue(new MockResponse().setResponseCode(204)); // DELETE session
    registry.enqueue(new MockResponse().setResponseCode(404)); // HEAD: not there after all
    registry.enqueue(
        new MockResponse().setResponseCode(202).setHeader("Location", "/v2/app/blobs/uploads/two"));
    registry.enqueue(
        new MockResponse()
            .setResponseCode(201)
            .setHeader("Docker-Content-Digest", DIGEST.toString()));
    try (RegistryClient client = clientBuilder().build()) {
      assertThat(client.pushBlob("app", DIGEST, BlobSource.of(BLOB)))
          .isEqualTo(BlobPushResult.UPLOADED);
    }
    List<String> seen = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      RecordedRequest r = registry.takeRequest();
      seen.add(r.getMethod() + " " + r.getRequestUrl().encodedPath());
      if (r.getMethod().equals("PUT")) {
        assertThat(r.getRequestUrl().queryParameter("digest")).isEqualTo(DIGEST.toString());
        assertThat(r.getBody().readByteArray()).isEqualTo(BLOB);
      }
    }
    assertThat(seen)
        .containsExactly(
            "HEAD /v2/app/blobs/" + DIGEST,
            "POST /v2/app/blobs/uploads/",
            "PUT /v2/app/blobs/uploads/one",
            "DELETE /v2/app/blobs/uploads/one",
            "HEAD /v2/app/blobs/" + DIGEST,
            "POST /v2/app/blobs/uploads/",
            "PUT /v2/app/blobs/uploads/two");
  }

  @Test
  void uploadThatArrivedDespiteAnErrorIsNotSentAgain() throws Exception {
    registry.enqueue(new MockResponse().setResponseCode(404));
    registry.enqueue(
        new MockResponse().setResponseCode(202).setHeader("Location", "/v2/app/blobs/uploads/one"));
    registry.enqueue(new MockResponse().setResponseCode(503));
    registry.enqueue(new MockResponse().setResponseCode(204));
    registry.enqueue(
        new MockResponse().setResponseCode(200).setHeader("Content-Length", BLOB.length));
    try (RegistryClient client = clientBuilder().build()) {
      assertThat(client.pushBlob("app", DIGEST, BlobSource.of(BLOB)))
          .isEqualTo(BlobPushResult.UPLOADED);
    }
    assertThat(registry.getRequestCount()).isEqualTo(5);
  }

  @Test
  void chunkedUploadSendsContentRangesInOrder() throws Exception {
    registry.enqueue(new MockResponse().setResponseCode(404));
    registry.enqueue(new MockResponse().setResponseCode(202).setHeader("Location", "/up/1"));
    registry.enqueue(
        new MockResponse()
            .setResponseCode(202)
            .setHeader("Location", "/up/2")
            .setHeader("Range", "0-39999"));
    registry.enqueue(
        new MockResponse()
            .setResponseCode(202)
            .setHeader("Location", "/up/3")
            .setHeader("Range", "0-79999"));
    registry.enqueue(
        new MockResponse()
            .setResponseCode(202)
            .setHeader("Location", "/up/4")
            .setHeader("Range", "0-99999"));
    registry.enqueue(new MockResponse().setResponseCode(201));
    try (RegistryClient client = clientBuilder().chunkedUploads(50_000, 40_000).build()) {
      client.pushBlob("app", DIGEST, BlobSource.of(BLOB));
    }
    registry.takeRequest();
    registry.takeRequest();
    Buffer all = new Buffer();
    String[] ranges = {"0-39999", "40000-79999", "80000-99999"};
    String[] paths = {"/up/1", "/up/2", "/up/3"};
    for (int i = 0; i < 3; i++) {
      RecordedRequest patch = registry.takeRequest();
      assertThat(patch.getMethod()).isEqualTo("PATCH");
      assertThat(patch.getPath()).isEqualTo(paths[i]);
      assertThat(patch.getHeader("Content-Range")).isEqualTo(ranges[i]);
      all.write(patch.getBody().readByteArray());
    }
    assertThat(all.readByteArray()).isEqualTo(BLOB);
    RecordedRequest put = registry.takeRequest();
    assertThat(put.getMethod()).isEqualTo("PUT");
    assertThat(put.getRequestUrl().encodedPath()).isEqualTo("/up/4");
    assertThat(put.getBodySize()).isZero();
  }

  @Test
  void storageRedirectDropsAuthorizationAndKeepsTheRange() throws Exception {
    try (MockWebServer storage = new MockWebServer()) {
      storage.start();
      registry.enqueue(
          new MockResponse()
              .setResponseCode(401)
              .setHeader("WWW-Authenticate", "Basic realm=\"r\""));
      registry.enqueue(
          new MockResponse()
              .setResponseCode(307)
              .setHeader("Location", storage.url("/bucket/blob?X-Signature=abc").toString()));
      storage.enqueue(partial(100, 199));
      try (RegistryClient client =
          clientBuilder().credentials(new Credentials("user", "pw")).build()) {
        assertThat(client.fetchBlobRange("app", DIGEST, 100, 100))
            .isEqualTo(Arrays.copyOfRange(BLOB, 100, 200));
      }
      registry.takeRequest();
      RecordedRequest authorized = registry.takeRequest();
      assertThat(authorized.getHeader("Authorization")).startsWith("Basic ");
      RecordedRequest atStorage = storage.takeRequest();
      assertThat(atStorage.getPath()).isEqualTo("/bucket/blob?X-Signature=abc");
      assertThat(atStorage.getHeader("Authorization")).isNull();
      assertThat(atStorage.getHeader("Range")).isEqualTo("bytes=100-199");
    }
  }

  @Test
  void wholeBlobAnswerToARangedGetIsVerifiedAndSliced() throws Exception {
    registry.enqueue(new MockResponse().setResponseCode(200).setBody(new Buffer().write(BLOB)));
    try (RegistryClient client = clientBuilder().build()) {
      assertThat(client.fetchBlobRange("app", DIGEST, 99_990, 10))
          .isEqualTo(Arrays.copyOfRange(BLOB, 99_990, 100_000));
    }
  }

  @Test
  void corruptWholeBlobAnswerToARangedGetIsAMismatch() {
    byte[] corrupt = BLOB.clone();
    corrupt[50_000] ^= 1;
    registry.enqueue(new MockResponse().setResponseCode(200).setBody(new Buffer().write(corrupt)));
    try (RegistryClient client = clientBuilder().build()) {
      assertThatThrownBy(() -> client.fetchBlobRange("app", DIGEST, 0, 10))
          .isInstanceOf(DigestMismatchException.class)
          .hasMessageContaining(DIGEST.toString());
    }
  }

  @Test
  void mismatchedContentRangeIsAProtocolError() {
    registry.enqueue(partial(0, 9));
    try (RegistryClient client = clientBuilder().build()) {
      assertThatThrownBy(() -> client.fetchBlobRange("app", DIGEST, 20, 10))
          .isInstanceOf(RegistryProtocolException.class)
          .hasMessageContaining("Content-Range");
    }
  }

  @Test
  void brokenDownloadIsResumedWithARange() throws Exception {
    Pattern range = Pattern.compile("bytes=(\\d+)-");
    registry.setDispatcher(
        new Dispatcher() {
          int calls;

          @Override
          public MockResponse dispatch(RecordedRequest request) {
            calls++;
            if (calls == 1) {
              return new MockResponse()
                  .setBody(new Buffer().write(BLOB))
                  .setSocketPolicy(SocketPolicy.DISCONNECT_DURING_RESPONSE_BODY);
            }
            Matcher m = range.matcher(String.valueOf(request.getHeader("Range")));
            if (!m.matches()) {
              return new MockResponse().setResponseCode(400);
            }
            return partial(Integer.parseInt(m.group(1)), BLOB.length - 1);
          }
        });
    try (RegistryClient client = clientBuilder().build();
        InputStream in = client.fetchBlob("app", DIGEST)) {
      assertThat(in.readAllBytes()).isEqualTo(BLOB);
    }
    assertThat(registry.getRequestCount()).isEqualTo(2);
  }

  @Test
  void plainHttpIsRefusedForRemoteRegistries() {
    assertThatThrownBy(() -> RegistryClient.builder("http://registry.example.com").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("registry.example.com");
    try (RegistryClient client =
        RegistryClient.builder("registry.example.com:5000")
            .insecureRegistries(List.of("registry.example.com:5000"))
            .build()) {
      assertThat(client.address().baseUrl()).isEqualTo("http://registry.example.com:5000");
    }
    try (RegistryClient client = RegistryClient.builder("registry.example.com").build()) {
      assertThat(client.address().baseUrl()).isEqualTo("https://registry.example.com");
    }
  }
}
