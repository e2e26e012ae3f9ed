package dev.tracefetch.store.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.tracefetch.api.v1.ListAppsRequest;
import dev.tracefetch.api.v1.TraceStoreGrpc;
import dev.tracefetch.store.grpc.GrpcServer;
import dev.tracefetch.store.support.Http;
import dev.tracefetch.store.support.StoreIntegrationTest;
import dev.tracefetch.store.support.TestTraces;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * PostgreSQL stopped and started again while clients upload and read plans: the store keeps
 * running, answers 503 problem+json (gRPC UNAVAILABLE) within the pool's connection timeout while
 * the database is away, reports DOWN on {@code /actuator/health} and UP again afterwards, and
 * serves and stores again without a restart. Nothing acknowledged is lost, nothing refused is
 * stored.
 *
 * <p>Restarts the throwaway cluster of {@code pg_virtualenv} ({@code bin/run-tests} uses one) with
 * {@code pg_ctlcluster}; skipped against any other server, which a test must not restart.
 */
class PostgresRestartIT extends StoreIntegrationTest {
  private static final String APP = "outage";

  @Autowired JdbcClient jdbc;
  @Autowired GrpcServer grpcServer;

  private static void cluster(String action) throws Exception {
    Process p =
        new ProcessBuilder(
                "pg_ctlcluster", System.getenv("PGVERSION"), "regress", action, "-m", "fast")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as("pg_ctlcluster %s: %s", action, out).isZero();
  }

  private Http.Response health(Http http) {
    return http.get("/actuator/health", null);
  }

  private static void awaitStatus(Http http, int status, String path) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    Http.Response last = null;
    while (System.nanoTime() < deadline) {
      last = http.get(path, null);
      if (last.status() == status) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(path + " never answered " + status + ", last: " + last.text());
  }

  private long traceRows() {
    return jdbc.sql("SELECT count(*) FROM traces").query(Long.class).single();
  }

  private long planVersion() {
    return http()
        .get("/api/v1/apps/" + APP + "/images/" + TestTraces.IMAGE_A + "/plan", ADMIN_TOKEN)
        .headers()
        .firstValue("Tracefetch-Plan-Version")
        .map(Long::parseLong)
        .orElseThrow();
  }

  @Test
  void storeAnswers503WhileThePostgresIsDownAndRecoversWithoutARestart() throws Exception {
    Assumptions.assumeTrue(
        System.getenv("PG_CLUSTER_CONF_ROOT") != null && System.getenv("PGVERSION") != null,
        "needs the pg_virtualenv cluster (bin/run-tests, or pg_virtualenv -t -- mvn ...)");
    Http http = http();
    AtomicInteger seed = new AtomicInteger();
    assertThat(
            http.upload(
                    TestTraces.file(TestTraces.normal(APP, TestTraces.IMAGE_A, seed.get())),
                    ADMIN_TOKEN)
                .status())
        .isEqualTo(201);
    awaitPlans();
    long versionBefore = planVersion();
    assertThat(health(http).status()).isEqualTo(200);

    // Background clients: upload distinct traces and read the plan until told to stop.
    AtomicBoolean stop = new AtomicBoolean();
    Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    AtomicInteger acked = new AtomicInteger(1);
    List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    ExecutorService clients = Executors.newFixedThreadPool(8);
    for (int c = 0; c < 8; c++) {
      clients.submit(
          () -> {
            while (!stop.get()) {
              try {
                Http.Response up =
                    http.upload(
                        TestTraces.file(
                            TestTraces.normal(APP, TestTraces.IMAGE_A, seed.incrementAndGet())),
                        ADMIN_TOKEN);
                statuses.computeIfAbsent(up.status(), s -> new AtomicInteger()).incrementAndGet();
                if (up.status() == 201) {
                  acked.incrementAndGet();
                } else {
                  assertThat(up.contentType()).startsWith("application/problem+json");
                }
                Http.Response plan =
                    http.get(
                        "/api/v1/apps/" + APP + "/images/" + TestTraces.IMAGE_A + "/plan",
                        ADMIN_TOKEN);
                statuses.computeIfAbsent(plan.status(), s -> new AtomicInteger()).incrementAndGet();
              } catch (Throwable t) {
                failures.add(t);
              }
            }
          });
    }
    Thread.sleep(1_000);

    cluster("stop");
    try {
      awaitStatus(http, 503, "/actuator/health");
      assertThat(health(http).json().get("status").asText()).isEqualTo("DOWN");
      awaitStatus(http, 503, "/actuator/health/readiness");
      // A refused upload answers (no hang) with 503 problem+json and Retry-After.
      Http.Response refused =
          assertTimeoutPreemptively(
              Duration.ofSeconds(60),
              () ->
                  http.upload(
                      TestTraces.file(TestTraces.normal(APP, TestTraces.IMAGE_B, 1)), ADMIN_TOKEN));
      assertThat(refused.status()).as(refused.text()).isEqualTo(503);
      assertThat(refused.contentType()).startsWith("application/problem+json");
      assertThat(refused.json().get("detail").asText()).contains("database is unavailable");
      assertThat(refused.headers().firstValue("Retry-After")).isPresent();
      assertThat(grpcListApps()).isEqualTo(Status.Code.UNAVAILABLE);
      Thread.sleep(2_000);
    } finally {
      cluster("start");
    }

    awaitStatus(http, 200, "/actuator/health");
    awaitStatus(http, 200, "/actuator/health/readiness");
    Thread.sleep(2_000);
    stop.set(true);
    clients.shutdown();
    assertThat(clients.awaitTermination(2, TimeUnit.MINUTES)).isTrue();

    assertThat(failures).as("client exceptions (hangs, resets, assertion failures)").isEmpty();
    assertThat(statuses.keySet())
        .as("statuses seen: %s", statuses)
        .containsAnyOf(503)
        .allMatch(s -> s == 200 || s == 201 || s == 503);
    Http.Response after =
        http.upload(
            TestTraces.file(TestTraces.normal(APP, TestTraces.IMAGE_A, seed.incrementAndGet())),
            ADMIN_TOKEN);
    assertThat(after.status()).as(after.text()).isEqualTo(201);
    acked.incrementAndGet();
    awaitPlans();
    assertThat(traceRows())
        .as("every acknowledged upload is stored, no refused one")
        .isEqualTo(acked.get());
    assertThat(planVersion()).isGreaterThan(versionBefore);
    assertThat(grpcListApps()).isEqualTo(Status.Code.OK);
  }

  private Status.Code grpcListApps() throws InterruptedException {
    ManagedChannel channel =
        Grpc.newChannelBuilderForAddress(
                "127.0.0.1", grpcServer.port(), InsecureChannelCredentials.create())
            .build();
    try {
      Metadata metadata = new Metadata();
      metadata.put(
          Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
          "Bearer " + ADMIN_TOKEN);
      TraceStoreGrpc.newBlockingStub(channel)
          .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(metadata))
          .withDeadlineAfter(60, TimeUnit.SECONDS)
          .listApps(ListAppsRequest.getDefaultInstance());
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
