package dev.tracefetch.builder.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.tracefetch.api.files.ReplayFiles;
import dev.tracefetch.api.v1.ReplayPlan;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The store's REST contract, served by a loopback HTTP server standing in for the store. */
class StoreClientTest {
  static final String DIGEST = "sha256:" + "a".repeat(64);

  HttpServer server;
  int status;
  byte[] body;
  final List<String> requests = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          requests.add(
              exchange.getRequestURI().getRawPath()
                  + " "
                  + exchange.getRequestHeaders().getFirst("Accept")
                  + " "
                  + exchange.getRequestHeaders().getFirst("Authorization"));
          exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
          try (OutputStream o = exchange.getResponseBody()) {
            o.write(body);
          }
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  StoreClient client(String token) {
    return new StoreClient(
        URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/"),
        token,
        Duration.ofSeconds(10));
  }

  @Test
  void fetchesThePlanAsProtobufWithTheToken() throws Exception {
    ReplayPlan plan = ReplayPlan.newBuilder().setManifestDigest(DIGEST).setApp("my app").build();
    status = 200;
    body = ReplayFiles.toBytes(plan);

    assertThat(client("tft_x").fetchPlan("my app", DIGEST)).contains(plan);
    assertThat(requests)
        .containsExactly(
            "/api/v1/apps/my%20app/images/" + DIGEST + "/plan application/x-protobuf Bearer tft_x");
  }

  @Test
  void noPlanIsEmptyAndRefusalsAndGarbageAreErrors() throws Exception {
    status = 404;
    body = "{\"title\":\"Not Found\"}".getBytes(StandardCharsets.UTF_8);
    assertThat(client(null).fetchPlan("web", DIGEST)).isEmpty();

    status = 401;
    assertThatThrownBy(() -> client(null).fetchPlan("web", DIGEST))
        .isInstanceOf(PlanBuildException.class)
        .hasMessageContaining("refused")
        .hasMessageContaining("401")
        .hasMessageContaining("no --token given");
    assertThat(requests.get(requests.size() - 1)).endsWith(" null");

    status = 503;
    body = "down for maintenance".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> client("t").fetchPlan("web", DIGEST))
        .isInstanceOf(PlanBuildException.class)
        .hasMessageContaining("503")
        .hasMessageContaining("down for maintenance");

    status = 200;
    body = "not a replay file".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> client("t").fetchPlan("web", DIGEST))
        .isInstanceOf(PlanBuildException.class)
        .hasMessageContaining("is not a replay file");
  }

  @Test
  void anUnreachableStoreIsNamed() {
    StoreClient c = new StoreClient(URI.create("http://127.0.0.1:1"), null, Duration.ofSeconds(5));
    assertThatThrownBy(() -> c.fetchPlan("web", DIGEST))
        .isInstanceOf(java.io.IOException.class)
        .hasMessageContaining("cannot reach the trace store at http://127.0.0.1:1/api/v1/apps/web");
  }
}
