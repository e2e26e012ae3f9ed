package dev.tracefetch.store.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracefetch.api.files.ContentDigest;
import dev.tracefetch.api.files.ReadLimits;
import dev.tracefetch.api.files.ReplayFiles;
import dev.tracefetch.api.v1.GetReplayPlanRequest;
import dev.tracefetch.api.v1.ListAppsRequest;
import dev.tracefetch.api.v1.ListImagesRequest;
import dev.tracefetch.api.v1.ListTracesRequest;
import dev.tracefetch.api.v1.ReplayPlan;
import dev.tracefetch.api.v1.TraceStoreGrpc;
import dev.tracefetch.api.v1.UploadChunk;
import dev.tracefetch.api.v1.UploadResult;
import dev.tracefetch.store.support.GrpcUploads;
import dev.tracefetch.store.support.Http;
import dev.tracefetch.store.support.StoreIntegrationTest;
import dev.tracefetch.store.support.TestTraces;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The gRPC service: most cases over the in-process transport (same service definition and
 * interceptor as the real listener), one over the real port.
 */
class TraceStoreGrpcIT extends StoreIntegrationTest {
  @Autowired GrpcServer grpcServer;

  private Server inProcess;
  private ManagedChannel channel;

  @BeforeEach
  void startInProcess() throws Exception {
    String name = InProcessServerBuilder.generateName();
    inProcess =
        InProcessServerBuilder.forName(name)
            .addService(grpcServer.authenticatedService())
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).build();
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    inProcess.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  private TraceStoreGrpc.TraceStoreBlockingStub blocking(String token) {
    return GrpcUploads.withToken(TraceStoreGrpc.newBlockingStub(channel), token);
  }

  /** Streams {@code file} in 100-byte chunks. */
  private UploadResult upload(byte[] file, String token) throws Exception {
    return upload(file, token, 100);
  }

  private UploadResult upload(byte[] file, String token, int chunkSize) throws Exception {
    CompletableFuture<UploadResult> result = new CompletableFuture<>();
    StreamObserver<UploadChunk> requests = GrpcUploads.open(channel, token, result);
    GrpcUploads.send(requests, file, 0, file.length, chunkSize);
    requests.onCompleted();
    try {
      return result.get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw (Exception) e.getCause();
    }
  }

  private static Status.Code code(ThrowingRunnable call) {
    try {
      call.run();
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    } catch (Exception e) {
      throw new AssertionError("expected a gRPC status, got " + e, e);
    }
    throw new AssertionError("call succeeded");
  }

  private interface ThrowingRunnable {
    void run() throws Exception;
  }

  @Test
  void streamingUploadThenListAndFetchThePlan() throws Exception {
    byte[] file = TestTraces.file(TestTraces.normal("grpc-app", TestTraces.IMAGE_A, 1));
    UploadResult first = upload(file, ADMIN_TOKEN);
    assertThat(first.getDuplicate()).isFalse();
    assertThat(first.getContentDigest()).isEqualTo(ContentDigest.of(file));
    UploadResult again = upload(file, ADMIN_TOKEN);
    assertThat(again.getDuplicate()).isTrue();
    assertThat(again.getTraceId()).isEqualTo(first.getTraceId());
    upload(TestTraces.file(TestTraces.normal("grpc-app", TestTraces.IMAGE_A, 2)), ADMIN_TOKEN);
    awaitPlans();

    var apps = blocking(ADMIN_TOKEN).listApps(ListAppsRequest.getDefaultInstance());
    assertThat(apps.getAppsList())
        .anySatisfy(
            a -> {
              assertThat(a.getName()).isEqualTo("grpc-app");
              assertThat(a.getTraceCount()).isEqualTo(2);
              assertThat(a.getLastUploadUnixMicros()).isPositive();
            });
    var images =
        blocking(ADMIN_TOKEN).listImages(ListImagesRequest.newBuilder().setApp("grpc-app").build());
    assertThat(images.getImagesCount()).isEqualTo(1);
    assertThat(images.getImages(0).getPlanVersion()).isPositive();
    var traces =
        blocking(ADMIN_TOKEN)
            .listTraces(
                ListTracesRequest.newBuilder()
                    .setApp("grpc-app")
                    .setManifestDigest(TestTraces.IMAGE_A)
                    .build());
    assertThat(traces.getTracesCount()).isEqualTo(2);
    assertThat(traces.getTraces(0).getReasonsList()).isNotEmpty();

    ReplayPlan plan =
        blocking(ADMIN_TOKEN)
            .getReplayPlan(
                GetReplayPlanRequest.newBuilder()
                    .setApp("grpc-app")
                    .setManifestDigest(TestTraces.IMAGE_A)
                    .build());
    Http.Response rest =
        http()
            .get(
                "/api/v1/apps/grpc-app/images/" + TestTraces.IMAGE_A + "/plan",
                ADMIN_TOKEN,
                "application/x-protobuf");
    assertThat(ReplayFiles.read(rest.body(), ReadLimits.defaults())).isEqualTo(plan);
  }

  @Test
  void failuresMapToStatusCodes() throws Exception {
    byte[] file = TestTraces.file(TestTraces.normal("grpc-err", TestTraces.IMAGE_A, 1));
    String reader =
        http()
            .postJson("/api/v1/tokens", ADMIN_TOKEN, "{\"scopes\":[\"read\"]}")
            .json()
            .get("token")
            .asText();

    assertThat(code(() -> upload(file, null))).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(code(() -> upload(file, "tft_0123456789abcdef_" + "z".repeat(43))))
        .isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(code(() -> upload(file, reader))).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(code(() -> blocking(null).listApps(ListAppsRequest.getDefaultInstance())))
        .isEqualTo(Status.Code.UNAUTHENTICATED);

    byte[] broken = Arrays.copyOf(file, file.length - 5);
    assertThatThrownBy(() -> upload(broken, ADMIN_TOKEN))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription()).contains("truncated");
            });
    assertThat(code(() -> upload(new byte[2 * 1024 * 1024], ADMIN_TOKEN, 64 * 1024)))
        .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(
            code(
                () ->
                    blocking(reader)
                        .getReplayPlan(
                            GetReplayPlanRequest.newBuilder()
                                .setApp("nope")
                                .setManifestDigest(TestTraces.IMAGE_A)
                                .build())))
        .isEqualTo(Status.Code.NOT_FOUND);
    assertThat(
            code(
                () ->
                    blocking(reader)
                        .listImages(ListImagesRequest.newBuilder().setApp("nope").build())))
        .isEqualTo(Status.Code.NOT_FOUND);
  }

  @Test
  void realPortServesTheServiceAndHealth() throws Exception {
    ManagedChannel real =
        Grpc.newChannelBuilderForAddress(
                "127.0.0.1", grpcServer.port(), InsecureChannelCredentials.create())
            .build();
    try {
      HealthCheckResponse health =
          HealthGrpc.newBlockingStub(real)
              .check(
                  HealthCheckRequest.newBuilder().setService("tracefetch.v1.TraceStore").build());
      assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
      var apps =
          GrpcUploads.withToken(TraceStoreGrpc.newBlockingStub(real), ADMIN_TOKEN)
              .listApps(ListAppsRequest.getDefaultInstance());
      assertThat(apps).isNotNull();
      assertThatThrownBy(
              () ->
                  TraceStoreGrpc.newBlockingStub(real)
                      .listApps(ListAppsRequest.getDefaultInstance()))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
                assertThat(e.getStatus().getDescription()).contains("bearer token");
              });
    } finally {
      real.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
