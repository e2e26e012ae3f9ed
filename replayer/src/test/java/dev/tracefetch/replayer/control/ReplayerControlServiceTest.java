package dev.tracefetch.replayer.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracefetch.api.files.ReplayFiles;
import dev.tracefetch.api.v1.CancelReplayRequest;
import dev.tracefetch.api.v1.GetStatusRequest;
import dev.tracefetch.api.v1.ReplayerControlGrpc;
import dev.tracefetch.api.v1.ReplayerStatus;
import dev.tracefetch.api.v1.StartReplayRequest;
import dev.tracefetch.api.v1.StartReplayResponse;
import dev.tracefetch.replayer.discovery.LookupResult;
import dev.tracefetch.replayer.discovery.MountedImage;
import dev.tracefetch.replayer.discovery.PlanDiscovery;
import dev.tracefetch.replayer.discovery.PlanLookup;
import dev.tracefetch.replayer.discovery.PlanQuery;
import dev.tracefetch.replayer.discovery.PlanSource;
import dev.tracefetch.replayer.discovery.TestPlans;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The control service over gRPC's in-process transport, with a fake engine behind it. */
class ReplayerControlServiceTest {
  private final MountedImage image = TestPlans.image("127.0.0.1:5000/app:1", 2);
  private final FakeReplayControl engine = new FakeReplayControl();
  private final List<String> log = new CopyOnWriteArrayList<>();
  private final List<PlanQuery> storeQueries = new CopyOnWriteArrayList<>();

  @TempDir Path dir;
  private Path replayFile;
  private ReplayCoordinator coordinator;
  private Server server;
  private ManagedChannel channel;
  private ReplayerControlGrpc.ReplayerControlBlockingStub stub;

  @BeforeEach
  void start() throws Exception {
    replayFile = dir.resolve("app.tfr");
    ReplayFiles.write(TestPlans.planFor(image, "web", 1), replayFile);
    // The real file source, and a store that answers only for app "web".
    PlanLookup store =
        (img, query) -> {
          storeQueries.add(query);
          return "web".equals(query.app())
              ? LookupResult.found(TestPlans.planFor(img, "web", 9), "store:fake")
              : LookupResult.absent("store has no plan for app '" + query.app() + "'");
        };
    PlanDiscovery discovery =
        new PlanDiscovery(
            Map.of(PlanSource.FILE, PlanDiscovery.fileLookup(), PlanSource.STORE, store));
    coordinator =
        new ReplayCoordinator(
            image,
            Path.of("/mnt/app"),
            engine,
            discovery,
            new PlanQuery(List.of(PlanSource.FILE), replayFile, null, null, "secret"),
            log::add);
    String name = InProcessServerBuilder.generateName();
    server =
        InProcessServerBuilder.forName(name)
            .directExecutor()
            .addService(new ReplayerControlService(coordinator))
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    stub = ReplayerControlGrpc.newBlockingStub(channel);
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow();
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    coordinator.close();
  }

  private StartReplayResponse startAndWait(StartReplayRequest.Builder request) {
    return stub.withDeadlineAfter(30, TimeUnit.SECONDS).startReplay(request.setWait(true).build());
  }

  @Test
  void startWithTheMountsSettingsReplaysTheFilePlan() {
    StartReplayResponse response = startAndWait(StartReplayRequest.newBuilder().setRequester("t"));
    assertThat(response.getAccepted()).isTrue();
    assertThat(response.getSource()).isEqualTo("file:" + replayFile.toAbsolutePath());
    assertThat(engine.starts()).hasSize(1);
    assertThat(engine.starts().get(0).plan().getVersion()).isEqualTo(1);
    assertThat(log).anyMatch(l -> l.contains("replay plan from file:") && l.contains("(t)"));
  }

  @Test
  void requestOverridesChooseSourceAndAppButNeverTheToken() {
    StartReplayResponse response =
        startAndWait(
            StartReplayRequest.newBuilder()
                .addPlanSources("store")
                .setApp("web")
                .setStoreUrl("http://store.example:8080"));
    assertThat(response.getSource()).isEqualTo("store:fake");
    assertThat(engine.starts().get(0).plan().getVersion()).isEqualTo(9);
    PlanQuery seen = storeQueries.get(0);
    assertThat(seen.app()).isEqualTo("web");
    assertThat(seen.storeUrl()).hasToString("http://store.example:8080");
    assertThat(seen.token()).isEqualTo("secret");
  }

  @Test
  void noPlanLeavesTheEngineIdleAndSaysWhy() {
    StartReplayResponse response =
        startAndWait(StartReplayRequest.newBuilder().addPlanSources("store").setApp("api"));
    assertThat(response.getAccepted()).isTrue();
    assertThat(response.getSource()).isEmpty();
    assertThat(response.getMessage())
        .startsWith("no replay plan found, plain lazy mount")
        .contains("no plan for app 'api'");
    assertThat(engine.starts()).isEmpty();
    ReplayerStatus status = stub.getStatus(GetStatusRequest.getDefaultInstance());
    assertThat(status.getState()).isEqualTo(ReplayerStatus.State.IDLE);
    assertThat(status.getDiscovery()).contains("no plan for app 'api'");
  }

  @Test
  void theRunningPlanIsNotRestartedButAFinishedOneIs() {
    startAndWait(StartReplayRequest.newBuilder());
    StartReplayResponse again = startAndWait(StartReplayRequest.newBuilder());
    assertThat(again.getMessage()).startsWith("already replaying");
    assertThat(engine.starts()).hasSize(1);
    engine.finish();
    startAndWait(StartReplayRequest.newBuilder());
    assertThat(engine.starts()).hasSize(2);
  }

  @Test
  void statusCarriesTheEnginesCountersAndTheMount() {
    startAndWait(StartReplayRequest.newBuilder());
    ReplayerStatus s = stub.getStatus(GetStatusRequest.getDefaultInstance());
    assertThat(s.getMountPoint()).isEqualTo("/mnt/app");
    assertThat(s.getManifestDigest()).isEqualTo(image.manifestDigest().toString());
    assertThat(s.getImageReference()).isEqualTo("127.0.0.1:5000/app:1");
    assertThat(s.getState()).isEqualTo(ReplayerStatus.State.RUNNING);
    assertThat(s.getSource()).isEqualTo("file:" + replayFile.toAbsolutePath());
    assertThat(s.getPlannedChunks()).isEqualTo(4);
    assertThat(s.getDemandHits()).isEqualTo(90);
    assertThat(s.getDemandMisses()).isEqualTo(10);
    assertThat(s.getLastError()).contains("HTTP 503");
    assertThat(s.getPid()).isEqualTo(ProcessHandle.current().pid());
    assertThat(StatusMessages.fromProto(s)).isEqualTo(engine.status());
  }

  @Test
  void cancelStopsTheReplay() {
    startAndWait(StartReplayRequest.newBuilder());
    assertThat(
            stub.cancelReplay(CancelReplayRequest.newBuilder().setRequester("op").build())
                .getWasRunning())
        .isTrue();
    assertThat(engine.cancels()).isEqualTo(1);
    assertThat(stub.getStatus(GetStatusRequest.getDefaultInstance()).getState())
        .isEqualTo(ReplayerStatus.State.CANCELLED);
    assertThat(log).contains("replay cancelled by op");
  }

  @Test
  void anotherImageIsAFailedPrecondition() {
    String other = "127.0.0.1:5000/app@" + TestPlans.image("x/y:1", 1).manifestDigest();
    assertThatThrownBy(
            () -> stub.startReplay(StartReplayRequest.newBuilder().setImage(other).build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
              assertThat(e.getStatus().getDescription())
                  .contains(other)
                  .contains("not the image mounted at /mnt/app");
            });
    // The mounted digest itself, by reference or bare, is fine.
    assertThat(
            stub.startReplay(
                    StartReplayRequest.newBuilder()
                        .setImage("localhost/app@" + image.manifestDigest())
                        .build())
                .getAccepted())
        .isTrue();
    assertThat(
            stub.startReplay(
                    StartReplayRequest.newBuilder()
                        .setImage(image.manifestDigest().toString())
                        .build())
                .getAccepted())
        .isTrue();
  }

  @Test
  void badArgumentsAreInvalidArgumentWithTheReason() {
    assertInvalid(
        StartReplayRequest.newBuilder().addPlanSources("cdn"), "unknown plan source 'cdn'");
    assertInvalid(
        StartReplayRequest.newBuilder().addPlanSources("file").addPlanSources("file"),
        "appears twice");
    assertInvalid(StartReplayRequest.newBuilder().setReplayFile("rel.tfr"), "absolute path");
    assertInvalid(StartReplayRequest.newBuilder().setStoreUrl("ftp://x"), "http:// or https://");
    assertInvalid(StartReplayRequest.newBuilder().setApp("a b"), "app name");
    assertThat(engine.starts()).isEmpty();
  }

  @Test
  void anEngineRefusalIsReportedNotThrown() {
    engine.refuse("plan names layer 7, image has 2");
    StartReplayResponse r = startAndWait(StartReplayRequest.newBuilder());
    assertThat(r.getSource()).isEmpty();
    assertThat(r.getMessage()).contains("the engine refused").contains("layer 7");
  }

  private void assertInvalid(StartReplayRequest.Builder request, String reason) {
    assertThatThrownBy(() -> stub.startReplay(request.build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription()).contains(reason);
            });
  }
}
