package dev.tracefetch.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracefetch.oci.image.Descriptor;
import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.image.DigestMismatchException;
import dev.tracefetch.oci.image.ImageIndex;
import dev.tracefetch.oci.image.ImageManifest;
import dev.tracefetch.oci.image.MediaTypes;
import dev.tracefetch.oci.image.RawManifest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okhttp3.mockwebserver.SocketPolicy;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Manifest and referrers behaviour of registries other than the local registry 2.8: a registry with
 * a referrers API, one that processes subjects, one that lies about digests or stalls.
 */
class ManifestEndpointsTest {
  private static final Descriptor SUBJECT =
      Descriptor.of(MediaTypes.OCI_MANIFEST, Digest.ofUtf8("image"), 5);
  private static final Descriptor EMPTY =
      Descriptor.ofContent(MediaTypes.OCI_EMPTY, "{}".getBytes(StandardCharsets.UTF_8));

  private MockWebServer registry;

  @BeforeEach
  void start() throws IOException {
    registry = new MockWebServer();
    registry.start();
  }

  @AfterEach
  void stop() throws IOException {
    registry.shutdown();
  }

  private RegistryClient.Builder builder() {
    return RegistryClient.builder("127.0.0.1:" + registry.getPort())
        .retryPolicy(new RetryPolicy(2, Duration.ZERO, Duration.ZERO, Duration.ZERO))
        .sleeper(d -> {});
  }

  private static RawManifest artifact(String artifactType) {
    return new ImageManifest(
            MediaTypes.OCI_MANIFEST, EMPTY, List.of(), SUBJECT, artifactType, Map.of("k", "v"))
        .toRaw();
  }

  @Test
  void registryThatProcessesSubjectsGetsNoFallbackTag() throws Exception {
    RawManifest a = artifact("application/x-trace");
    registry.enqueue(
        new MockResponse()
            .setResponseCode(201)
            .setHeader("Docker-Content-Digest", a.digest().toString())
            .setHeader("OCI-Subject", SUBJECT.digest().toString()));
    try (RegistryClient client = builder().build()) {
      assertThat(client.pushManifest("app", a.digest().toString(), a)).isEqualTo(a.digest());
    }
    RecordedRequest put = registry.takeRequest();
    assertThat(put.getHeader("Content-Type")).isEqualTo(MediaTypes.OCI_MANIFEST);
    assertThat(put.getBody().readByteArray()).isEqualTo(a.bytes());
    assertThat(registry.getRequestCount()).isEqualTo(1);
  }

  @Test
  void referrersApiAnswerIsUsedAndFilteredWhenTheRegistryDidNotFilter() throws Exception {
    Descriptor trace =
        new Descriptor(
            MediaTypes.OCI_MANIFEST, Digest.ofUtf8("t"), 10, Map.of(), "application/x-trace", null);
    Descriptor sbom =
        new Descriptor(
            MediaTypes.OCI_MANIFEST, Digest.ofUtf8("s"), 11, Map.of(), "application/x-sbom", null);
    byte[] index = ImageIndex.oci(List.of(trace, sbom)).toJson();
    registry.enqueue(
        new MockResponse()
            .setHeader("Content-Type", MediaTypes.OCI_INDEX)
            .setBody(new Buffer().write(index)));
    registry.enqueue(
        new MockResponse()
            .setHeader("Content-Type", MediaTypes.OCI_INDEX)
            .setHeader("OCI-Filters-Applied", "artifactType")
            .setBody(new Buffer().write(ImageIndex.oci(List.of(trace)).toJson())));
    try (RegistryClient client = builder().build()) {
      assertThat(client.referrers("app", SUBJECT.digest(), "application/x-sbom"))
          .containsExactly(sbom);
      assertThat(client.referrers("app", SUBJECT.digest(), "application/x-trace"))
          .containsExactly(trace);
    }
    RecordedRequest first = registry.takeRequest();
    assertThat(first.getPath())
        .isEqualTo("/v2/app/referrers/" + SUBJECT.digest() + "?artifactType=application%2Fx-sbom");
    assertThat(first.getHeader("Accept")).isEqualTo(MediaTypes.OCI_INDEX);
  }

  @Test
  void tagWhoseContentDoesNotMatchTheAnnouncedDigestIsRefused() {
    byte[] body = artifact(null).bytes();
    registry.enqueue(
        new MockResponse()
            .setHeader("Content-Type", MediaTypes.OCI_MANIFEST)
            .setHeader("Docker-Content-Digest", Digest.ofUtf8("something else").toString())
            .setBody(new Buffer().write(body)));
    try (RegistryClient client = builder().build()) {
      assertThatThrownBy(() -> client.pullManifest("app", "v1"))
          .isInstanceOf(DigestMismatchException.class)
          .hasMessageContaining("tag v1")
          .hasMessageContaining("app");
    }
  }

  @Test
  void headWithoutDigestFallsBackToAVerifiedGet() throws Exception {
    RawManifest m = artifact(null);
    registry.enqueue(new MockResponse().setHeader("Content-Type", MediaTypes.OCI_MANIFEST));
    registry.enqueue(
        new MockResponse()
            .setHeader("Content-Type", MediaTypes.OCI_MANIFEST)
            .setBody(new Buffer().write(m.bytes())));
    try (RegistryClient client = builder().build()) {
      assertThat(client.headManifest("app", "v1")).contains(m.descriptor());
    }
    assertThat(registry.takeRequest().getMethod()).isEqualTo("HEAD");
    assertThat(registry.takeRequest().getMethod()).isEqualTo("GET");
  }

  @Test
  void stalledRegistryTimesOutWithATypedError() {
    registry.enqueue(new MockResponse().setSocketPolicy(SocketPolicy.NO_RESPONSE));
    registry.enqueue(new MockResponse().setSocketPolicy(SocketPolicy.NO_RESPONSE));
    Duration shortWait = Duration.ofMillis(300);
    try (RegistryClient client =
        builder()
            .timeouts(new RegistryTimeouts(shortWait, shortWait, shortWait, shortWait))
            .build()) {
      assertThatThrownBy(() -> client.pullManifest("app", "v1"))
          .isInstanceOf(RegistryUnavailableException.class)
          .hasMessageContaining("pull manifest")
          .hasMessageContaining("tag v1")
          .hasMessageContaining("after 2 attempt(s)");
    }
    assertThat(registry.getRequestCount()).isEqualTo(2);
  }

  @Test
  void oversizedManifestIsRefused() {
    registry.enqueue(
        new MockResponse()
            .setHeader("Content-Type", MediaTypes.OCI_MANIFEST)
            .setBody(new Buffer().write(new byte[ManifestPuller.MAX_MANIFEST_SIZE + 1])));
    try (RegistryClient client = builder().build()) {
      assertThatThrownBy(() -> client.pullManifest("app", "big"))
          .isInstanceOf(RegistryProtocolException.class)
          .hasMessageContaining("exceeds the limit");
    }
  }
}
