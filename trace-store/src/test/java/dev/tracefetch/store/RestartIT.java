package dev.tracefetch.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracefetch.store.plan.PlanRecomputer;
import dev.tracefetch.store.support.Http;
import dev.tracefetch.store.support.TestPostgres;
import dev.tracefetch.store.support.TestStores;
import dev.tracefetch.store.support.TestTraces;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/** Stopping the store and starting it again on the same database keeps everything. */
class RestartIT {
  private static final String ADMIN = "restart-admin-token-0123456789";

  private static ConfigurableApplicationContext start(TestPostgres.Database db) {
    return TestStores.start(db, ADMIN);
  }

  @Test
  void dataPlansAndTokensSurviveARestart() throws Exception {
    TestPostgres.Database db = TestPostgres.freshDatabase("restart");
    String traceId;
    String reader;
    byte[] plan;
    byte[] file = TestTraces.file(TestTraces.normal("persist", TestTraces.IMAGE_A, 1));
    String planPath = "/api/v1/apps/persist/images/" + TestTraces.IMAGE_A + "/plan";
    try (ConfigurableApplicationContext first = start(db)) {
      Http http = TestStores.http(first);
      traceId = http.upload(file, ADMIN).json().get("id").asText();
      http.upload(TestTraces.file(TestTraces.normal("persist", TestTraces.IMAGE_A, 2)), ADMIN);
      reader =
          http.postJson("/api/v1/tokens", ADMIN, "{\"scopes\":[\"read\"]}")
              .json()
              .get("token")
              .asText();
      assertThat(first.getBean(PlanRecomputer.class).awaitIdle(Duration.ofMinutes(2))).isTrue();
      plan = http.get(planPath, reader, "application/x-protobuf").body();
    }

    try (ConfigurableApplicationContext second = start(db)) {
      Http http = TestStores.http(second);
      assertThat(http.get("/api/v1/traces/" + traceId, reader).json().get("app").asText())
          .isEqualTo("persist");
      assertThat(http.get("/api/v1/traces/" + traceId + "/file", reader).body()).isEqualTo(file);
      assertThat(http.get(planPath, reader, "application/x-protobuf").body()).isEqualTo(plan);
      assertThat(
              http.get("/api/v1/apps/persist/images", reader)
                  .json()
                  .get(0)
                  .get("traceCount")
                  .asInt())
          .isEqualTo(2);
      assertThat(http.upload(file, ADMIN).status()).isEqualTo(200);
      // Nothing was stale, so no plan was recomputed on start: the version is unchanged.
      assertThat(second.getBean(PlanRecomputer.class).awaitIdle(Duration.ofMinutes(2))).isTrue();
      assertThat(http.get(planPath, reader, "application/x-protobuf").body()).isEqualTo(plan);
    }
  }
}
