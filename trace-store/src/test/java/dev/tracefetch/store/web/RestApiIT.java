package dev.tracefetch.store.web;

import static dev.tracefetch.store.support.TestTraces.IMAGE_A;
import static dev.tracefetch.store.support.TestTraces.IMAGE_B;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.util.JsonFormat;
import dev.tracefetch.api.files.ContentDigest;
import dev.tracefetch.api.files.FileFormatException;
import dev.tracefetch.api.files.ReadLimits;
import dev.tracefetch.api.files.ReplayFiles;
import dev.tracefetch.api.files.TraceFiles;
import dev.tracefetch.api.v1.ReplayPlan;
import dev.tracefetch.api.v1.Trace;
import dev.tracefetch.store.support.Http;
import dev.tracefetch.store.support.StoreIntegrationTest;
import dev.tracefetch.store.support.TestTraces;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The REST API end to end, over real HTTP, against a real PostgreSQL. */
class RestApiIT extends StoreIntegrationTest {
  private Http http;

  @BeforeEach
  void client() {
    http = http();
  }

  private String token(String scopesJson, String app) {
    Http.Response created =
        http.postJson(
            "/api/v1/tokens",
            ADMIN_TOKEN,
            "{\"scopes\":" + scopesJson + (app == null ? "" : ",\"app\":\"" + app + "\"") + "}");
    assertThat(created.status()).as(created.text()).isEqualTo(201);
    return created.json().get("token").asText();
  }

  private JsonNode upload(Trace trace, int expectedStatus) {
    Http.Response response = http.upload(TestTraces.file(trace), ADMIN_TOKEN);
    assertThat(response.status()).as(response.text()).isEqualTo(expectedStatus);
    return response.json();
  }

  private static void assertProblem(Http.Response response, int status, String detailPart) {
    assertThat(response.status()).as(response.text()).isEqualTo(status);
    assertThat(response.contentType()).startsWith("application/problem+json");
    JsonNode problem = response.json();
    assertThat(problem.get("status").asInt()).isEqualTo(status);
    assertThat(problem.get("title").asText()).isNotBlank();
    assertThat(problem.get("detail").asText()).contains(detailPart);
  }

  @Test
  void uploadListRankAndPlan() throws Exception {
    List<String> ids = new ArrayList<>();
    for (int seed = 0; seed < 4; seed++) {
      byte[] file = TestTraces.file(TestTraces.normal("web", IMAGE_A, seed));
      Http.Response response = http.upload(file, ADMIN_TOKEN);
      assertThat(response.status()).as(response.text()).isEqualTo(201);
      JsonNode body = response.json();
      assertThat(body.get("duplicate").asBoolean()).isFalse();
      assertThat(body.get("contentDigest").asText()).isEqualTo(ContentDigest.of(file));
      assertThat(response.headers().firstValue("Location"))
          .hasValue("/api/v1/traces/" + body.get("id").asText());
      ids.add(body.get("id").asText());
    }
    awaitPlans();

    JsonNode apps = http.get("/api/v1/apps", ADMIN_TOKEN).json();
    JsonNode web = find(apps, "name", "web");
    assertThat(web.get("imageCount").asInt()).isEqualTo(1);
    assertThat(web.get("traceCount").asInt()).isEqualTo(4);

    JsonNode images = http.get("/api/v1/apps/web/images", ADMIN_TOKEN).json();
    assertThat(images).hasSize(1);
    assertThat(images.get(0).get("manifestDigest").asText()).isEqualTo(IMAGE_A);
    assertThat(images.get(0).get("imageReference").asText()).isEqualTo("registry.test/web:1");
    assertThat(images.get(0).get("traceCount").asInt()).isEqualTo(4);
    long planVersion = images.get(0).get("planVersion").asLong();
    assertThat(planVersion).isPositive();

    JsonNode ranked =
        http.get("/api/v1/apps/web/images/" + IMAGE_A + "/traces", ADMIN_TOKEN).json();
    assertThat(ranked).hasSize(4);
    for (JsonNode trace : ranked) {
      assertThat(ids).contains(trace.get("id").asText());
      assertThat(trace.get("score").isNumber()).isTrue();
      assertThat(trace.get("reasons")).isNotEmpty();
      assertThat(trace.get("inPlan").asBoolean()).isTrue();
      assertThat(trace.get("planVersion").asLong()).isEqualTo(planVersion);
    }

    Http.Response json =
        http.get("/api/v1/apps/web/images/" + IMAGE_A + "/plan", ADMIN_TOKEN, "application/json");
    assertThat(json.status()).isEqualTo(200);
    assertThat(json.contentType()).startsWith("application/json");
    ReplayPlan.Builder fromJson = ReplayPlan.newBuilder();
    JsonFormat.parser().merge(json.text(), fromJson);
    ReplayPlan plan = fromJson.build();
    assertThat(plan.getApp()).isEqualTo("web");
    assertThat(plan.getManifestDigest()).isEqualTo(IMAGE_A);
    assertThat(plan.getVersion()).isEqualTo(planVersion);
    assertThat(json.headers().firstValue("Tracefetch-Plan-Version"))
        .hasValue(Long.toString(planVersion));
    // The ten chunks every start reads are in the plan; the per-start ones are not.
    assertThat(plannedOffsets(plan)).containsAll(commonOffsets());
    assertThat(plannedOffsets(plan)).doesNotContain((1_000L + 1) * TestTraces.CHUNK);

    Http.Response protobuf =
        http.get(
            "/api/v1/apps/web/images/" + IMAGE_A + "/plan", ADMIN_TOKEN, "application/x-protobuf");
    assertThat(protobuf.status()).isEqualTo(200);
    assertThat(protobuf.contentType()).startsWith("application/x-protobuf");
    assertThat(ReplayFiles.read(protobuf.body(), ReadLimits.defaults())).isEqualTo(plan);

    String etag = protobuf.headers().firstValue("ETag").orElseThrow();
    Http.Response notModified =
        http.send(
            http.request("/api/v1/apps/web/images/" + IMAGE_A + "/plan", ADMIN_TOKEN)
                .header("Accept", "application/x-protobuf")
                .header("If-None-Match", etag)
                .GET()
                .build());
    assertThat(notModified.status()).isEqualTo(304);

    JsonNode one = http.get("/api/v1/traces/" + ids.get(0), ADMIN_TOKEN).json();
    assertThat(one.get("app").asText()).isEqualTo("web");
    assertThat(one.get("host").asText()).isEqualTo("node-0");
    assertThat(one.get("eventCount").asLong()).isEqualTo(11);
    assertThat(one.get("readinessReached").asBoolean()).isTrue();

    Http.Response file = http.get("/api/v1/traces/" + ids.get(0) + "/file", ADMIN_TOKEN);
    assertThat(file.status()).isEqualTo(200);
    assertThat(file.body()).isEqualTo(TestTraces.file(TestTraces.normal("web", IMAGE_A, 0)));
  }

  @Test
  void plantedOutlierRanksLastAndLeavesThePlanUnchanged() throws Exception {
    for (int seed = 0; seed < 4; seed++) {
      upload(TestTraces.normal("shop", IMAGE_A, seed), 201);
    }
    awaitPlans();
    ReplayPlan before = plan("shop", IMAGE_A);

    String outlierId = upload(TestTraces.outlier("shop", IMAGE_A, 99), 201).get("id").asText();
    awaitPlans();
    ReplayPlan after = plan("shop", IMAGE_A);

    JsonNode ranked =
        http.get("/api/v1/apps/shop/images/" + IMAGE_A + "/traces", ADMIN_TOKEN).json();
    assertThat(ranked).hasSize(5);
    JsonNode last = ranked.get(4);
    assertThat(last.get("id").asText()).isEqualTo(outlierId);
    assertThat(last.get("score").asDouble()).isLessThan(ranked.get(3).get("score").asDouble());
    assertThat(after.getVersion()).isGreaterThan(before.getVersion());
    assertThat(after.getLayersList()).isEqualTo(before.getLayersList());
  }

  @Test
  void reUploadIsIdempotentByContent() {
    byte[] file = TestTraces.file(TestTraces.normal("api", IMAGE_A, 7));
    Http.Response first = http.upload(file, ADMIN_TOKEN);
    assertThat(first.status()).isEqualTo(201);
    Http.Response again = http.upload(file, ADMIN_TOKEN);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json().get("id").asText()).isEqualTo(first.json().get("id").asText());
    assertThat(again.json().get("duplicate").asBoolean()).isTrue();
    Http.Response viaForm = http.uploadMultipart(file, ADMIN_TOKEN);
    assertThat(viaForm.status()).isEqualTo(200);
    assertThat(viaForm.json().get("id").asText()).isEqualTo(first.json().get("id").asText());
    assertThat(http.get("/api/v1/apps/api/images/" + IMAGE_A + "/traces", ADMIN_TOKEN).json())
        .hasSize(1);
  }

  @Test
  void multipartUploadStoresTheFile() {
    byte[] file = TestTraces.file(TestTraces.normal("form", IMAGE_B, 1));
    Http.Response response = http.uploadMultipart(file, ADMIN_TOKEN);
    assertThat(response.status()).as(response.text()).isEqualTo(201);
    String id = response.json().get("id").asText();
    assertThat(http.get("/api/v1/traces/" + id + "/file", ADMIN_TOKEN).body()).isEqualTo(file);
  }

  @Test
  void malformedFilesAre400WithTheCodecReason() {
    byte[] good = TestTraces.file(TestTraces.normal("bad", IMAGE_A, 1));
    byte[] wrongMagic = good.clone();
    wrongMagic[0] = 'X';
    byte[] truncated = Arrays.copyOf(good, good.length - 10);
    byte[] newerVersion = good.clone();
    newerVersion[4] = 99;
    byte[] tooShort = Arrays.copyOf(good, 5);
    for (byte[] bad : List.of(wrongMagic, truncated, newerVersion, tooShort)) {
      String reason = codecReason(bad);
      assertProblem(http.upload(bad, ADMIN_TOKEN), 400, reason);
    }
    assertProblem(
        http.upload(
            TestTraces.file(Trace.newBuilder().setManifestDigest(IMAGE_A).build()), ADMIN_TOKEN),
        400,
        "no app name");
    assertProblem(
        http.upload(
            TestTraces.file(
                TestTraces.normal("bad", IMAGE_A, 1).toBuilder()
                    .setManifestDigest("latest")
                    .build()),
            ADMIN_TOKEN),
        400,
        "not an OCI digest");
    // Nothing of the rejected uploads was stored.
    assertProblem(http.get("/api/v1/apps/bad/images", ADMIN_TOKEN), 404, "bad");
  }

  private static String codecReason(byte[] bad) {
    FileFormatException e =
        (FileFormatException)
            org.assertj.core.api.Assertions.catchThrowable(
                () -> TraceFiles.read(bad, ReadLimits.defaults()));
    assertThat(e).as("codec must reject the sample").isNotNull();
    return e.getMessage();
  }

  @Test
  void unknownThingsAre404Problems() {
    upload(TestTraces.normal("known", IMAGE_A, 1), 201);
    assertProblem(http.get("/api/v1/apps/nope/images", ADMIN_TOKEN), 404, "nope");
    assertProblem(
        http.get("/api/v1/apps/known/images/" + IMAGE_B + "/traces", ADMIN_TOKEN), 404, IMAGE_B);
    assertProblem(
        http.get(
            "/api/v1/apps/nope/images/" + IMAGE_A + "/plan", ADMIN_TOKEN, "application/x-protobuf"),
        404,
        "nope");
    assertProblem(
        http.get("/api/v1/traces/00000000-0000-0000-0000-000000000000", ADMIN_TOKEN),
        404,
        "no trace");
    assertProblem(http.get("/api/v1/traces/not-an-id/file", ADMIN_TOKEN), 404, "not-an-id");
    assertProblem(http.delete("/api/v1/traces/not-an-id", ADMIN_TOKEN), 404, "not-an-id");
  }

  @Test
  void missingOrInvalidTokensAre401AndWrongScopesAre403() {
    byte[] file = TestTraces.file(TestTraces.normal("web-shop", IMAGE_A, 1));
    Http.Response anonymous = http.upload(file, null);
    assertProblem(anonymous, 401, "bearer token");
    assertThat(anonymous.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    assertProblem(http.upload(file, "tft_0123456789abcdef_" + "x".repeat(43)), 401, "not valid");
    assertProblem(http.upload(file, "garbage"), 401, "not valid");
    assertProblem(http.get("/api/v1/apps", null), 401, "read");
    assertProblem(
        http.send(
            http.request("/api/v1/apps", null).header("Authorization", "Basic abc").GET().build()),
        401,
        "Bearer");

    String reader = token("[\"read\"]", null);
    String webUploader = token("[\"upload\"]", "web-*");
    assertProblem(http.upload(file, reader), 403, "upload");
    assertThat(http.get("/api/v1/apps", reader).status()).isEqualTo(200);
    assertProblem(http.get("/api/v1/apps", webUploader), 403, "read");
    assertThat(http.upload(file, webUploader).status()).isEqualTo(201);
    byte[] other = TestTraces.file(TestTraces.normal("db", IMAGE_A, 1));
    assertProblem(http.upload(other, webUploader), 403, "web-*");
    assertProblem(http.get("/api/v1/tokens", reader), 403, "admin");
    assertProblem(
        http.delete("/api/v1/traces/00000000-0000-0000-0000-000000000000", webUploader),
        403,
        "admin");
  }

  @Test
  void uploadsOverTheLimitAre413AndStoreNothing() {
    byte[] tooLarge = new byte[1024 * 1024 + 1];
    assertProblem(http.upload(tooLarge, ADMIN_TOKEN), 413, "tracestore.upload.max-size");
    Http.Response chunked =
        http.send(
            http.request("/api/v1/traces", ADMIN_TOKEN)
                .header("Content-Type", "application/octet-stream")
                .POST(
                    HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(new byte[3 * 1024 * 1024])))
                .build());
    assertProblem(chunked, 413, "tracestore.upload.max-size");
    assertProblem(
        http.uploadMultipart(new byte[2 * 1024 * 1024], ADMIN_TOKEN),
        413,
        "tracestore.upload.max-size");
    // The connection survived: the next request on the same client works.
    assertThat(http.get("/api/v1/apps", ADMIN_TOKEN).status()).isEqualTo(200);
  }

  @Test
  void deleteRemovesTheTraceAndRecomputesThePlan() throws Exception {
    String keep = upload(TestTraces.normal("del", IMAGE_A, 1), 201).get("id").asText();
    String gone = upload(TestTraces.normal("del", IMAGE_A, 2), 201).get("id").asText();
    awaitPlans();
    long versionBefore = plan("del", IMAGE_A).getVersion();

    assertThat(http.delete("/api/v1/traces/" + gone, ADMIN_TOKEN).status()).isEqualTo(204);
    assertProblem(http.get("/api/v1/traces/" + gone, ADMIN_TOKEN), 404, gone);
    assertProblem(http.delete("/api/v1/traces/" + gone, ADMIN_TOKEN), 404, gone);
    awaitPlans();

    ReplayPlan after = plan("del", IMAGE_A);
    assertThat(after.getVersion()).isGreaterThan(versionBefore);
    assertThat(after.getProvenance().getTracesList())
        .extracting(s -> s.getTraceId())
        .containsExactly(keep);
    JsonNode ranked =
        http.get("/api/v1/apps/del/images/" + IMAGE_A + "/traces", ADMIN_TOKEN).json();
    assertThat(ranked).hasSize(1);
  }

  @Test
  void operationsEndpointsReportHealthMetricsAndApiDocs() {
    upload(TestTraces.normal("ops", IMAGE_A, 1), 201);
    awaitPlans();
    http.get("/api/v1/apps/ops/images/" + IMAGE_A + "/plan", ADMIN_TOKEN, "application/x-protobuf");

    Http.Response readiness = http.get("/actuator/health/readiness", null);
    assertThat(readiness.status()).isEqualTo(200);
    assertThat(readiness.json().get("status").asText()).isEqualTo("UP");
    Http.Response health = http.get("/actuator/health", null);
    assertThat(health.json().get("status").asText()).isEqualTo("UP");

    String metrics = http.get("/actuator/prometheus", null).text();
    assertThat(metrics)
        .contains("tracestore_uploads_total{")
        .contains("outcome=\"stored\"")
        .contains("tracestore_upload_bytes_sum")
        .contains("tracestore_ranking_time_seconds_count")
        .contains("tracestore_plan_requests_seconds_count{")
        .contains("transport=\"rest\"");

    String docs = http.get("/v3/api-docs", null).text();
    assertThat(docs).contains("/api/v1/traces").contains("/api/v1/apps/{app}/images/{digest}/plan");
  }

  private ReplayPlan plan(String app, String digest) throws Exception {
    Http.Response response =
        http.get(
            "/api/v1/apps/" + app + "/images/" + digest + "/plan",
            ADMIN_TOKEN,
            "application/x-protobuf");
    assertThat(response.status()).as(response.text()).isEqualTo(200);
    return ReplayFiles.read(response.body(), ReadLimits.defaults());
  }

  private static List<Long> commonOffsets() {
    List<Long> offsets = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      offsets.add(i * TestTraces.CHUNK);
    }
    return offsets;
  }

  /** Start offsets of every chunk covered by the plan's ranges (ranges may be coalesced). */
  private static List<Long> plannedOffsets(ReplayPlan plan) {
    List<Long> offsets = new ArrayList<>();
    plan.getLayersList()
        .forEach(
            layer ->
                layer
                    .getRangesList()
                    .forEach(
                        range -> {
                          for (long o = range.getCompressedOffset();
                              o < range.getCompressedOffset() + range.getCompressedLength();
                              o += TestTraces.CHUNK) {
                            offsets.add(o);
                          }
                        }));
    return offsets;
  }

  private static JsonNode find(JsonNode array, String field, String value) {
    for (JsonNode node : array) {
      if (node.get(field).asText().equals(value)) {
        return node;
      }
    }
    throw new AssertionError("no element with " + field + "=" + value + " in " + array);
  }
}
