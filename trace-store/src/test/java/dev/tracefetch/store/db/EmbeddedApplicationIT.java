package dev.tracefetch.store.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracefetch.store.support.Http;
import dev.tracefetch.store.support.TestStores;
import dev.tracefetch.store.support.TestTraces;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/** With no database configured, the store runs on its embedded cluster and keeps its data. */
class EmbeddedApplicationIT {
  private static final String ADMIN = "embedded-admin-token-0123456789";

  private static ConfigurableApplicationContext start(Path dataDir) {
    return TestStores.start(ADMIN, "--tracestore.embedded-db.data-dir=" + dataDir);
  }

  @Test
  void runsOnTheEmbeddedClusterAndKeepsDataAcrossRestarts() throws Exception {
    Files.createDirectories(Path.of("target"));
    Path dataDir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "embedded-app-");
    byte[] file = TestTraces.file(TestTraces.normal("embedded", TestTraces.IMAGE_A, 1));
    String id;
    int port;
    try (ConfigurableApplicationContext first = start(dataDir)) {
      EmbeddedPostgres pg = first.getBean(EmbeddedPostgres.class);
      port = pg.port();
      Http http = TestStores.http(first);
      Http.Response uploaded = http.upload(file, ADMIN);
      assertThat(uploaded.status()).as(uploaded.text()).isEqualTo(201);
      id = uploaded.json().get("id").asText();
      assertThat(http.get("/actuator/health/readiness", null).status()).isEqualTo(200);
    }
    try (java.net.Socket s = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
      throw new AssertionError("embedded PostgreSQL still accepts connections on " + port);
    } catch (java.io.IOException expected) {
      // stopped with the store
    }
    try (ConfigurableApplicationContext second = start(dataDir)) {
      Http http = TestStores.http(second);
      assertThat(http.get("/api/v1/traces/" + id, ADMIN).status()).isEqualTo(200);
      assertThat(http.upload(file, ADMIN).status()).isEqualTo(200);
    }
  }
}
