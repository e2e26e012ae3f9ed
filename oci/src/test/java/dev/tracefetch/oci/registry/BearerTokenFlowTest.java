package dev.tracefetch.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.registry.auth.Credentials;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The bearer-token challenge flow, with MockWebServer as both token server and registry (Debian's
 * registry 2.8 has no token server of its own).
 */
class BearerTokenFlowTest {
  private static final Digest DIGEST = Digest.ofUtf8("layer");
  private static final String BASIC_OK = new Credentials("alice", "pw").basicAuthorization();

  private MockWebServer server;
  private final List<RecordedRequest> tokenRequests = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws IOException {
    server = new MockWebServer();
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            String path = request.getRequestUrl().encodedPath();
            if (path.equals("/token")) {
              tokenRequests.add(request);
              String auth = request.getHeader("Authorization");
              if (auth != null && !auth.equals(BASIC_OK)) {
                return new MockResponse().setResponseCode(401);
              }
              String scope =
                  String.join(" ", request.getRequestUrl().queryParameterValues("scope"));
              String who = auth == null ? "anon" : "alice";
              return new MockResponse()
                  .setBody("{\"token\":\"" + who + "|" + scope + "\",\"expires_in\":300}");
            }
            String expected = "Bearer " + tokenFor(request);
            if (!expected.equals(request.getHeader("Authorization"))) {
              return new MockResponse()
                  .setResponseCode(401)
                  .setHeader(
                      "WWW-Authenticate",
                      "Bearer realm=\""
                          + server.url("/token")
                          + "\",service=\"mock-registry\",scope=\""
                          + scopeFor(request)
                          + "\"");
            }
            return new MockResponse().setResponseCode(200).setHeader("Content-Length", "42");
          }
        });
    server.start();
  }

  /** Registry side: the token must carry the repository's pull scope. */
  private static String scopeFor(RecordedRequest request) {
    String path = request.getRequestUrl().encodedPath(); // /v2/<repo>/blobs/<digest>
    String repo = path.substring(4, path.indexOf("/blobs/"));
    return "repository:" + repo + ":pull";
  }

  private static String tokenFor(RecordedRequest request) {
    String auth = request.getHeader("Authorization");
    String who = auth != null && auth.startsWith("Bearer alice|") ? "alice" : "anon";
    return who + "|" + scopeFor(request);
  }

  @AfterEach
  void stop() throws IOException {
    server.shutdown();
  }

  private RegistryClient.Builder builder() {
    return RegistryClient.builder("127.0.0.1:" + server.getPort())
        .retryPolicy(new RetryPolicy(2, Duration.ZERO, Duration.ZERO, Duration.ZERO))
        .sleeper(d -> {});
  }

  @Test
  void tokenIsObtainedWithCredentialsAndCachedPerScope() throws Exception {
    try (RegistryClient client = builder().credentials(new Credentials("alice", "pw")).build()) {
      assertThat(client.blobSize("team/app", DIGEST)).hasValue(42);
      assertThat(client.blobSize("team/app", DIGEST)).hasValue(42);
      assertThat(tokenRequests).hasSize(1);
      RecordedRequest token = tokenRequests.get(0);
      assertThat(token.getHeader("Authorization")).isEqualTo(BASIC_OK);
      assertThat(token.getRequestUrl().queryParameter("service")).isEqualTo("mock-registry");
      assertThat(token.getRequestUrl().queryParameterValues("scope"))
          .containsExactly("repository:team/app:pull");
      assertThat(token.getRequestUrl().queryParameter("account")).isEqualTo("alice");

      // Another repository needs another scope: a second token, fetched up front (no 401).
      int before = server.getRequestCount();
      assertThat(client.blobSize("team/other", DIGEST)).hasValue(42);
      assertThat(tokenRequests).hasSize(2);
      assertThat(server.getRequestCount() - before).isEqualTo(2);
    }
  }

  @Test
  void anonymousTokensWork() throws Exception {
    try (RegistryClient client = builder().build()) {
      assertThat(client.blobExists("public/app", DIGEST)).isTrue();
    }
    assertThat(tokenRequests).hasSize(1);
    assertThat(tokenRequests.get(0).getHeader("Authorization")).isNull();
  }

  @Test
  void refusedCredentialsAreATypedError() {
    try (RegistryClient client = builder().credentials(new Credentials("alice", "bad")).build()) {
      assertThatThrownBy(() -> client.blobExists("team/app", DIGEST))
          .isInstanceOf(RegistryUnauthorizedException.class)
          .hasMessageContaining("check blob")
          .hasMessageContaining("team/app")
          .hasMessageContaining("token server")
          .hasMessageContaining("user alice")
          .hasMessageNotContaining("bad");
    }
  }
}
