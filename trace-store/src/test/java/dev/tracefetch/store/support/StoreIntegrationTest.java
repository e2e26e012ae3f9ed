package dev.tracefetch.store.support;

import dev.tracefetch.store.plan.PlanRecomputer;
import java.time.Duration;
import org.junit.jupiter.api.Assertions;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the integration tests that run the whole store (HTTP on a random loopback port, gRPC on
 * another) against a fresh PostgreSQL database per test class, with metrics export on as in
 * production.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "server.address=127.0.0.1",
      "tracestore.grpc.port=0",
      "tracestore.grpc.address=127.0.0.1",
      "tracestore.auth.admin-token=" + StoreIntegrationTest.ADMIN_TOKEN,
      "tracestore.upload.max-size=1MB",
      "spring.datasource.hikari.maximum-pool-size=8"
    })
@AutoConfigureObservability
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
public abstract class StoreIntegrationTest {
  public static final String ADMIN_TOKEN = "test-admin-token-0123456789abcdef";

  @LocalServerPort protected int port;
  @Autowired protected PlanRecomputer recomputer;

  protected Http http() {
    return new Http(port);
  }

  @DynamicPropertySource
  static void database(DynamicPropertyRegistry registry) {
    TestPostgres.Database db = TestPostgres.freshDatabase("it");
    registry.add("spring.datasource.url", db::url);
    registry.add("spring.datasource.username", db::user);
    registry.add("spring.datasource.password", db::password);
  }

  /** Waits until every plan recomputation triggered so far has finished. */
  protected void awaitPlans() {
    try {
      Assertions.assertTrue(
          recomputer.awaitIdle(Duration.ofMinutes(2)), "plan recomputation did not finish");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
