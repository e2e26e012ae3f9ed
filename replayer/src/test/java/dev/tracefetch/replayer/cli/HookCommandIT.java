package dev.tracefetch.replayer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracefetch.replayer.control.ControlSockets;
import dev.tracefetch.replayer.control.FakeReplayControl;
import dev.tracefetch.replayer.control.ServedMount;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code replayer hook} with a real container state and bundle, against a fake engine behind a real
 * control socket: it triggers the replay of the mount under the container's root file system, and
 * exits 0 whatever goes wrong.
 */
class HookCommandIT {
  @TempDir Path dir;
  private Path socketDir;
  private Path bundle;
  private Path mnt;

  @BeforeEach
  void setUp() throws Exception {
    socketDir = dir.resolve("run");
    bundle = Files.createDirectories(dir.resolve("bundle"));
    mnt = Files.createDirectories(dir.resolve("mnt/app"));
  }

  private record Run(int exit, String err) {}

  private Run hook(String state, String... args) {
    HookCommand command = new HookCommand();
    command.stdin = new ByteArrayInputStream(state.getBytes(StandardCharsets.UTF_8));
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(command).setErr(new PrintWriter(err));
    String[] all = new String[args.length + 2];
    all[0] = "--socket-dir";
    all[1] = socketDir.toString();
    System.arraycopy(args, 0, all, 2, args.length);
    int exit = cli.execute(all);
    return new Run(exit, err.toString());
  }

  private String state(String id) {
    return "{\"ociVersion\":\"1.2.0\",\"id\":\""
        + id
        + "\",\"status\":\"creating\",\"pid\":4242,\"bundle\":\""
        + bundle
        + "\",\"annotations\":{}}";
  }

  private void config(String rootPath, String annotationsJson) throws Exception {
    Files.writeString(
        bundle.resolve("config.json"),
        "{\"ociVersion\":\"1.2.0\",\"process\":{\"args\":[\"/app\"]},\"root\":{\"path\":\""
            + rootPath
            + "\",\"readonly\":true},\"annotations\":"
            + annotationsJson
            + "}");
  }

  @Test
  void triggersReplayForTheAppOfAContainerWhoseRootIsTheMount() throws Exception {
    config(mnt.toString(), "{\"dev.tracefetch.app\":\"web\"}");
    try (ServedMount served = new ServedMount(socketDir, mnt, "127.0.0.1:5000/app:1")) {
      Run run = hook(state("c1"));
      assertThat(run.exit()).isZero();
      assertThat(run.err())
          .contains("container c1: replay requested via " + served.socket())
          .contains("for app web");
      FakeReplayControl.Started started = served.engine.awaitStart(30);
      assertThat(started).as(run.err() + served.log).isNotNull();
      assertThat(started.source()).isEqualTo("store:test");
      assertThat(served.appsAsked).containsExactly("web");
      assertThat(served.awaitLog("(hook:c1)", 60)).as(served.log.toString()).isTrue();
    }
  }

  @Test
  void findsTheMountBelowAnOverlayRoot() throws Exception {
    Path rootfs = Files.createDirectories(bundle.resolve("rootfs"));
    config("rootfs", "{\"dev.tracefetch.app\":\"web\"}");
    Path mountinfo = dir.resolve("mountinfo");
    Files.writeString(
        mountinfo,
        "22 1 259:1 / / rw - ext4 /dev/root rw\n"
            + "91 22 0:51 / "
            + ControlSockets.canonical(rootfs)
            + " rw,relatime - overlay overlay rw,lowerdir="
            + ControlSockets.canonical(mnt)
            + ":/other,upperdir=/u,workdir=/w\n");
    try (ServedMount served = new ServedMount(socketDir, mnt, "127.0.0.1:5000/app:1")) {
      Run run = hook(state("c2"), "--mountinfo", mountinfo.toString());
      assertThat(run.exit()).isZero();
      assertThat(served.engine.awaitStart(30)).as(run.err()).isNotNull();
    }
  }

  @Test
  void findsTheMountByImageWhenTheRootLeadsNowhere() throws Exception {
    Path rootfs = Files.createDirectories(bundle.resolve("rootfs"));
    config(
        rootfs.toString(),
        "{\"dev.tracefetch.app\":\"web\",\"org.opencontainers.image.ref.name\":"
            + "\"127.0.0.1:5000/app:1\"}");
    try (ServedMount other = new ServedMount(socketDir, dir.resolve("mnt"), "127.0.0.1:5000/x:9");
        ServedMount served = new ServedMount(socketDir, mnt, "127.0.0.1:5000/app:1")) {
      Run run = hook(state("c3"));
      assertThat(run.exit()).isZero();
      assertThat(served.engine.awaitStart(30)).as(run.err()).isNotNull();
      assertThat(other.engine.starts()).isEmpty();
    }
  }

  @Test
  void exitsZeroWhenNoReplayerServesTheContainer() throws Exception {
    config(mnt.toString(), "{\"dev.tracefetch.app\":\"web\"}");
    Run run = hook(state("c4"));
    assertThat(run.exit()).isZero();
    assertThat(run.err())
        .contains("container c4: no replayer serves its root file system " + mnt.toRealPath());
  }

  @Test
  void exitsZeroOnAStaleSocketAndOnGarbage() throws Exception {
    config(mnt.toString(), "{}");
    Path socket = ControlSockets.forMountPoint(socketDir, mnt);
    Files.createDirectories(socketDir);
    try (var dead =
        java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
      dead.bind(java.net.UnixDomainSocketAddress.of(socket));
    }
    Run stale = hook(state("c5"));
    assertThat(stale.exit()).isZero();
    assertThat(stale.err()).contains("container c5: no replayer answers on " + socket);

    Run garbage = hook("not json");
    assertThat(garbage.exit()).isZero();
    assertThat(garbage.err()).contains("ignored: malformed JSON in container state");

    Files.delete(bundle.resolve("config.json"));
    Run noConfig = hook(state("c6"));
    assertThat(noConfig.exit()).isZero();
    assertThat(noConfig.err()).contains("container c6: bundle has no config.json");
  }
}
