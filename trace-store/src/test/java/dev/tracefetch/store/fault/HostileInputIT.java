package dev.tracefetch.store.fault;

import static dev.tracefetch.store.support.TestTraces.IMAGE_A;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.tracefetch.api.v1.GetReplayPlanRequest;
import dev.tracefetch.api.v1.Trace;
import dev.tracefetch.api.v1.TraceStoreGrpc;
import dev.tracefetch.api.v1.UploadChunk;
import dev.tracefetch.api.v1.UploadResult;
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
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Hostile input over both transports: path traversal and SQL metacharacters in app names, image
 * references and URL paths, uploads for an app outside the token's pattern, oversized streams. Each
 * is refused with its status and a reason, and the row counts of every table stay unchanged (the
 * tables themselves are still there).
 */
class HostileInputIT extends StoreIntegrationTest {
  private static final List<String> BAD_APPS =
      List.of(
          "../etc",
          "..",
          "%2e%2e",
          "a/b",
          "..\\windows",
          "web'; DROP TABLE traces; --",
          "x\" OR \"1\"=\"1",
          "web;select pg_sleep(10)");
  private static final List<String> BAD_REFERENCES =
      List.of(
          "registry.test/web:1'; DROP TABLE traces; --",
          "../../etc/passwd",
          "registry.test/../../x:1",
          "registry.test/web:1 OR 1=1");

  @Autowired JdbcClient jdbc;
  @Autowired GrpcServer grpcServer;
  private ManagedChannel channel;
  private Http http;

  @BeforeEach
  void open() {
    http = http();
    channel =
        Grpc.newChannelBuilderForAddress(
                "127.0.0.1", grpcServer.port(), InsecureChannelCredentials.create())
            .build();
  }

  @AfterEach
  void close() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  private List<Long> rowCounts() {
    return List.of("apps", "images", "traces", "plans", "api_tokens").stream()
        .map(t -> jdbc.sql("SELECT count(*) FROM " + t).query(Long.class).single())
        .toList();
  }

  private static void assertProblem(Http.Response response, int status, String detailPart) {
    assertThat(response.status()).as(response.text()).isEqualTo(status);
    assertThat(response.contentType()).startsWith("application/problem+json");
    assertThat(response.json().get("detail").asText()).contains(detailPart);
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

  private Status grpcUpload(byte[] file, String token) throws Exception {
    Metadata auth = new Metadata();
    auth.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    CompletableFuture<UploadResult> result = new CompletableFuture<>();
    StreamObserver<UploadChunk> requests =
        TraceStoreGrpc.newStub(channel)
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(auth))
            .upload(
                new StreamObserver<>() {
                  @Override
                  public void onNext(UploadResult value) {
                    result.complete(value);
                  }

                  @Override
                  public void onError(Throwable t) {
                    result.completeExceptionally(t);
                  }

                  @Override
                  public void onCompleted() {}
                });
    for (int offset = 0; offset < file.length; offset += 32 * 1024) {
      requests.onNext(
          UploadChunk.newBuilder()
              .setData(ByteString.copyFrom(file, offset, Math.min(32 * 1024, file.length - offset)))
              .build());
    }
    requests.onCompleted();
    try {
      result.get(60, TimeUnit.SECONDS);
      return Status.OK;
    } catch (ExecutionException e) {
      return ((StatusRuntimeException) e.getCause()).getStatus();
    }
  }

  @Test
  void badNamesAndReferencesAreRefusedOverRestAndGrpcAndStoreNothing() throws Exception {
    assertThat(
            http.upload(TestTraces.file(TestTraces.normal("web", IMAGE_A, 1)), ADMIN_TOKEN)
                .status())
        .isEqualTo(201);
    awaitPlans();
    List<Long> before = rowCounts();

    Trace good = TestTraces.normal("web", IMAGE_A, 2);
    for (String app : BAD_APPS) {
      byte[] file = TestTraces.file(good.toBuilder().setApp(app).build());
      assertProblem(http.upload(file, ADMIN_TOKEN), 400, "app name");
      assertProblem(http.uploadMultipart(file, ADMIN_TOKEN), 400, "app name");
      Status status = grpcUpload(file, ADMIN_TOKEN);
      assertThat(status.getCode()).as(app).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(status.getDescription()).contains("app name");
    }
    for (String reference : BAD_REFERENCES) {
      byte[] file = TestTraces.file(good.toBuilder().setImageReference(reference).build());
      assertProblem(http.upload(file, ADMIN_TOKEN), 400, "image_reference");
      assertThat(grpcUpload(file, ADMIN_TOKEN).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      Http.Response plan =
          http.get(
              "/api/v1/apps/web/images/sha256:"
                  + "b".repeat(64)
                  + "/plan?image_reference="
                  + java.net.URLEncoder.encode(reference, java.nio.charset.StandardCharsets.UTF_8),
              ADMIN_TOKEN);
      assertProblem(plan, 400, "image reference");
      StatusRuntimeException grpcPlan =
          org.assertj.core.api.Assertions.catchThrowableOfType(
              StatusRuntimeException.class,
              () ->
                  TraceStoreGrpc.newBlockingStub(channel)
                      .withInterceptors(
                          MetadataUtils.newAttachHeadersInterceptor(bearer(ADMIN_TOKEN)))
                      .getReplayPlan(
                          GetReplayPlanRequest.newBuilder()
                              .setApp("web")
                              .setManifestDigest("sha256:" + "b".repeat(64))
                              .setImageReference(reference)
                              .build()));
      assertThat(grpcPlan.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    }
    // Names in URL paths: traversal and SQL never reach anything but a 4xx.
    for (String path :
        List.of(
            "/api/v1/apps/..%2f..%2fetc/images",
            "/api/v1/apps/%2e%2e/images",
            "/api/v1/apps/web'%3B%20DROP%20TABLE%20traces%3B--/images",
            "/api/v1/apps/web/images/..%2F..%2Fsecret/traces",
            "/api/v1/apps/web/images/sha256:x'%20OR%20'1'='1/plan",
            "/api/v1/traces/..%2F..%2Fetc%2Fpasswd/file",
            "/api/v1/traces/'%20OR%201=1--")) {
      Http.Response response = http.get(path, ADMIN_TOKEN);
      assertThat(response.status()).as(path + ": " + response.text()).isIn(400, 404);
    }
    assertThat(rowCounts()).isEqualTo(before);
  }

  private static Metadata bearer(String token) {
    Metadata metadata = new Metadata();
    metadata.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    return metadata;
  }

  @Test
  void tokensForAnotherAppPatternOrScopeStoreNothingOverEitherTransport() throws Exception {
    String webUploader = token("[\"upload\"]", "web-*");
    String reader = token("[\"read\"]", null);
    List<Long> before = rowCounts();
    byte[] other = TestTraces.file(TestTraces.normal("db", IMAGE_A, 1));
    // A name that matches the pattern only if the glob were applied to a path or to SQL LIKE.
    byte[] sneaky = TestTraces.file(TestTraces.normal("webx", IMAGE_A, 2));
    for (byte[] file : List.of(other, sneaky)) {
      assertProblem(http.upload(file, webUploader), 403, "web-*");
      assertThat(grpcUpload(file, webUploader).getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    }
    assertProblem(http.upload(other, reader), 403, "upload");
    assertThat(grpcUpload(other, reader).getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertProblem(http.upload(other, null), 401, "bearer token");
    assertProblem(http.upload(other, "tft_0123456789abcdef_" + "x".repeat(43)), 401, "not valid");
    assertThat(grpcUpload(other, "tft_0123456789abcdef_" + "x".repeat(43)).getCode())
        .isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(grpcUpload(other, "' OR 1=1 --").getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertProblem(http.upload(other, "' OR 1=1 --"), 401, "not valid");
    // Oversized (the ITs' limit is 1 MB): 413 / RESOURCE_EXHAUSTED.
    assertProblem(http.upload(new byte[1024 * 1024 + 1], webUploader), 413, "max-size");
    assertThat(grpcUpload(new byte[3 * 1024 * 1024], webUploader).getCode())
        .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(rowCounts()).isEqualTo(before);
  }
}
