package dev.tracefetch.store.web;

import static dev.tracefetch.store.support.TestTraces.CHUNK;
import static dev.tracefetch.store.support.TestTraces.IMAGE_A;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.util.JsonFormat;
import dev.tracefetch.api.v1.LayerPlan;
import dev.tracefetch.api.v1.PlannedRange;
import dev.tracefetch.api.v1.ReplayPlan;
import dev.tracefetch.api.v1.Trace;
import dev.tracefetch.store.support.Http;
import dev.tracefetch.store.support.StoreIntegrationTest;
import dev.tracefetch.store.support.TestTraces;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The insight endpoints the web UI draws, over real HTTP against a real PostgreSQL. */
class InsightApiIT extends StoreIntegrationTest {
  private Http http;

  @BeforeEach
  void client() {
    http = http();
  }

  private String upload(Trace trace) {
    Http.Response response = http.upload(TestTraces.file(trace), ADMIN_TOKEN);
    assertThat(response.status()).as(response.text()).isBetween(200, 201);
    return response.json().get("id").asText();
  }

  private static void assertProblem(Http.Response response, int status) {
    assertThat(response.status()).as(response.text()).isEqualTo(status);
    assertThat(response.contentType()).startsWith("application/problem+json");
    assertThat(response.json().get("detail").asText()).isNotBlank();
  }

  @Test
  void appsPlanTraceAndComparison() throws Exception {
    String a = upload(TestTraces.normal("insight", IMAGE_A, 1));
    String b = upload(TestTraces.normal("insight", IMAGE_A, 2));
    awaitPlans();

    JsonNode apps = http.get("/api/v1/insight/apps", ADMIN_TOKEN).json();
    JsonNode app = null;
    for (JsonNode candidate : apps) {
      if (candidate.get("name").asText().equals("insight")) {
        app = candidate;
      }
    }
    assertThat(app).as(apps.toString()).isNotNull();
    assertThat(app.get("traceCount").asInt()).isEqualTo(2);
    assertThat(app.get("plannedImages").asInt()).isEqualTo(1);
    assertThat(app.get("images").get(0).get("manifestDigest").asText()).isEqualTo(IMAGE_A);
    assertThat(app.get("images").get(0).get("planCoverage").asDouble()).isEqualTo(1.0);

    // The summary agrees with the plan the store serves to nodes.
    String image = "/api/v1/apps/insight/images/" + IMAGE_A;
    ReplayPlan.Builder served = ReplayPlan.newBuilder();
    JsonFormat.parser().merge(http.get(image + "/plan", ADMIN_TOKEN).text(), served);
    long bytes = 0;
    int ranges = 0;
    Set<String> chunks = new HashSet<>();
    for (LayerPlan layer : served.getLayersList()) {
      for (PlannedRange range : layer.getRangesList()) {
        bytes += range.getCompressedLength();
        ranges++;
        range.getChunkDigestsList().forEach(d -> chunks.add(layer.getLayerIndex() + "/" + d));
      }
    }
    assertThat(bytes)
        .as("the plan holds at least the ten chunks both starts read")
        .isGreaterThanOrEqualTo(10 * CHUNK);
    JsonNode plan =
        http.get("/api/v1/insight/apps/insight/images/" + IMAGE_A + "/plan", ADMIN_TOKEN).json();
    assertThat(plan.get("version").asLong()).isEqualTo(served.getVersion());
    assertThat(plan.get("bytes").asLong()).isEqualTo(bytes);
    assertThat(plan.get("requests").asInt()).isEqualTo(ranges);
    assertThat(plan.get("chunks").asLong()).isEqualTo(chunks.size());
    assertThat(plan.get("imageBytes").asLong()).isEqualTo(20_000_000);
    assertThat(plan.get("shareOfImage").asDouble()).isEqualTo(bytes / 20_000_000.0);
    assertThat(plan.get("traces")).hasSize(2);

    JsonNode trace = http.get("/api/v1/insight/traces/" + a, ADMIN_TOKEN).json();
    assertThat(trace.get("id").asText()).isEqualTo(a);
    assertThat(trace.get("eventCount").asLong()).isEqualTo(11);
    assertThat(trace.get("timeline").get("events")).hasSize(11);
    assertThat(trace.get("layers")).hasSize(2);
    assertThat(trace.get("score").isNumber()).isTrue();
    assertThat(trace.get("readiness").get("reached").asBoolean()).isTrue();

    JsonNode comparison =
        http.get("/api/v1/insight/traces/" + a + "/compare/" + b, ADMIN_TOKEN).json();
    assertThat(comparison.get("left").get("id").asText()).isEqualTo(a);
    assertThat(comparison.get("right").get("id").asText()).isEqualTo(b);
    assertThat(comparison.get("commonChunks").asLong()).isEqualTo(10);
    assertThat(comparison.get("onlyLeft").get("chunks").asLong()).isEqualTo(1);
    assertThat(comparison.get("sameImage").asBoolean()).isTrue();
  }

  @Test
  void sameTokensAndProblemsAsTheRestOfTheApi() {
    assertProblem(http.get("/api/v1/insight/apps", null), 401);
    Http.Response created =
        http.postJson("/api/v1/tokens", ADMIN_TOKEN, "{\"scopes\":[\"upload\"]}");
    String uploadOnly = created.json().get("token").asText();
    assertProblem(http.get("/api/v1/insight/apps", uploadOnly), 403);
    assertProblem(
        http.get("/api/v1/insight/traces/00000000-0000-0000-0000-000000000000", ADMIN_TOKEN), 404);
    assertProblem(http.get("/api/v1/insight/traces/not-a-uuid/compare/x", ADMIN_TOKEN), 404);
    assertProblem(
        http.get("/api/v1/insight/apps/nothing/images/" + IMAGE_A + "/plan", ADMIN_TOKEN), 404);
  }
}
