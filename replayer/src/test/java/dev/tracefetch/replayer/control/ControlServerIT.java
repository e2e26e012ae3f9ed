package dev.tracefetch.replayer.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracefetch.api.files.ReplayFiles;
import dev.tracefetch.api.v1.ReplayerStatus;
import dev.tracefetch.api.v1.StartReplayRequest;
import dev.tracefetch.api.v1.StartReplayResponse;
import dev.tracefetch.replayer.discovery.MountedImage;
import dev.tracefetch.replayer.discovery.PlanDiscovery;
import dev.tracefetch.replayer.discovery.PlanQuery;
import dev.tracefetch.replayer.discovery.PlanSource;
import dev.tracefetch.replayer.discovery.TestPlans;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The control API over a real Unix domain socket (epoll transport), server and client. */
class ControlServerIT {
  private static final Duration DEADLINE = Duration.ofSeconds(30);

  private final MountedImage image = TestPlans.image("127.0.0.1:5000/app:1", 2);
  private final FakeReplayControl engine = new FakeReplayControl();

  @TempDir Path dir;
  private Path socket;
  private ReplayCoordinator coordinator;

  @BeforeEach
  void setUp() throws Exception {
    Path file = dir.resolve("app.tfr");
    ReplayFiles.write(TestPlans.planFor(image, "web", 1), file);
    coordinator =
        new ReplayCoordinator(
            image,
            Path.of("/mnt/app"),
            engine,
            new PlanDiscovery(Map.of(PlanSource.FILE, PlanDiscovery.fileLookup())),
            new PlanQuery(List.of(PlanSource.FILE), file, null, null, null),
            line -> {});
    socket = dir.resolve("run").resolve("m.sock");
  }

  @AfterEach
  void tearDown() {
    coordinator.close();
  }

  private ControlServer serve() throws Exception {
    return ControlServer.start(socket, new ReplayerControlService(coordinator));
  }

  @Test
  void startsReplayAndReportsStatusOverTheSocket() throws Exception {
    try (ControlServer server = serve();
        ControlClient client = ControlClient.connect(socket)) {
      assertThat(server.socket()).isEqualTo(socket.toAbsolutePath());
      StartReplayResponse r =
          client.start(
              StartReplayRequest.newBuilder().setWait(true).setRequester("it").build(), DEADLINE);
      assertThat(r.getSource()).startsWith("file:");
      assertThat(engine.starts()).hasSize(1);
      ReplayerStatus s = client.status(DEADLINE);
      assertThat(s.getState()).isEqualTo(ReplayerStatus.State.RUNNING);
      assertThat(s.getMountPoint()).isEqualTo("/mnt/app");
      assertThat(client.cancel("it", DEADLINE)).isTrue();
      assertThat(engine.cancels()).isEqualTo(1);
    }
  }

  @Test
  void onlyTheOwnerMayConnect() throws Exception {
    try (ControlServer server = serve()) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)))
          .isEqualTo("rw-------");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent())))
          .isEqualTo("rwx------");
    }
  }

  @Test
  void theSocketIsRemovedOnCloseAndClientsThenFailClearly() throws Exception {
    serve().close();
    assertThat(socket).doesNotExist();
    assertThatThrownBy(() -> ControlClient.connect(socket))
        .isInstanceOf(ControlUnavailableException.class)
        .hasMessageContaining("no control socket at " + socket);
  }

  @Test
  void aStaleSocketIsReplaced() throws Exception {
    Files.createDirectories(socket.getParent());
    try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      dead.bind(UnixDomainSocketAddress.of(socket));
    }
    assertThat(socket).exists(); // closing a Unix server socket leaves its file behind
    try (ControlClient stale = ControlClient.connect(socket)) {
      assertThatThrownBy(() -> stale.status(DEADLINE))
          .isInstanceOf(ControlUnavailableException.class)
          .hasMessageContaining("no replayer answers on " + socket);
    }
    try (ControlServer server = serve();
        ControlClient client = ControlClient.connect(socket)) {
      assertThat(client.status(DEADLINE).getManifestDigest())
          .isEqualTo(image.manifestDigest().toString());
    }
  }

  @Test
  void aLiveSocketIsNeverTakenOver() throws Exception {
    try (ControlServer first = serve()) {
      assertThatThrownBy(this::serve)
          .isInstanceOf(FileAlreadyExistsException.class)
          .hasMessageContaining("another replayer is serving this control socket");
      try (ControlClient client = ControlClient.connect(socket)) {
        assertThat(client.status(DEADLINE).getMountPoint()).isEqualTo("/mnt/app");
      }
    }
  }

  @Test
  void aFileThatIsNotASocketIsLeftAlone() throws Exception {
    Files.createDirectories(socket.getParent());
    Files.writeString(socket, "precious");
    assertThatThrownBy(this::serve)
        .isInstanceOf(FileAlreadyExistsException.class)
        .hasMessageContaining("is not a socket");
    assertThat(Files.readString(socket)).isEqualTo("precious");
  }

  @Test
  void serverErrorsReachTheClientWithTheirDescription() throws Exception {
    try (ControlServer server = serve();
        ControlClient client = ControlClient.connect(socket)) {
      assertThatThrownBy(
              () ->
                  client.start(
                      StartReplayRequest.newBuilder().addPlanSources("cdn").build(), DEADLINE))
          .isInstanceOf(ControlException.class)
          .hasMessageContaining("INVALID_ARGUMENT")
          .hasMessageContaining("unknown plan source 'cdn'")
          .hasMessageContaining(socket.toString());
    }
  }

  @Test
  void socketNamesDependOnlyOnTheCanonicalMountPoint() throws Exception {
    Path mnt = Files.createDirectories(dir.resolve("mnt/app"));
    Path link = Files.createSymbolicLink(dir.resolve("link"), mnt);
    Path a = ControlSockets.forMountPoint(Path.of("/run/tracefetch"), mnt);
    assertThat(ControlSockets.forMountPoint(Path.of("/run/tracefetch"), link)).isEqualTo(a);
    assertThat(ControlSockets.forMountPoint(Path.of("/run/tracefetch"), dir.resolve("mnt/./app/")))
        .isEqualTo(a);
    assertThat(a.getFileName().toString()).matches("[0-9a-f]{16}\\.sock");
    assertThat(ControlSockets.forMountPoint(Path.of("/run/tracefetch"), dir.resolve("mnt")))
        .isNotEqualTo(a);
  }
}
