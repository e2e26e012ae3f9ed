package dev.tracefetch.replayer.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracefetch.api.v1.ServedMount;
import dev.tracefetch.fs.fuse.MountTable;
import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.registry.RegistryClient;
import dev.tracefetch.oci.testing.ExpectedTree;
import dev.tracefetch.oci.testing.RegistryExtension;
import dev.tracefetch.oci.testing.TestEntry;
import dev.tracefetch.oci.testing.TestImage;
import dev.tracefetch.oci.testing.TestImages;
import dev.tracefetch.oci.testing.TestLayer;
import dev.tracefetch.replayer.control.ControlSockets;
import dev.tracefetch.replayer.daemon.DaemonClient;
import dev.tracefetch.replayer.mount.CacheContents;
import dev.tracefetch.replayer.mount.EstargzImages;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code replayer daemon} as a node runs it: the daemon in its own JVM, and {@code replayer mount
 * --daemon-socket}, {@code stats} and {@code umount} as separate CLI processes against a real
 * registry with real FUSE mounts. The mount command exits once the daemon serves the mount; mounts
 * of two images share the daemon's one chunk cache; a mount point is served once; a mount released
 * from outside is reaped; SIGTERM unmounts everything.
 */
class DaemonIT {
  private static final int CHUNK = 64 << 10;
  private static final Path LAUNCHER = Path.of("..", "bin", "replayer").toAbsolutePath();

  @RegisterExtension static final RegistryExtension REGISTRY = RegistryExtension.anonymous();

  private static TestImage imageA;
  private static TestImage imageB;

  @TempDir Path work;

  private final List<Process> started = new ArrayList<>();
  private final List<Path> mountPoints = new ArrayList<>();

  @BeforeAll
  static void push() throws Exception {
    imageA = TestImages.sample();
    // Shares data/big.bin (same content, so the same eStargz chunks) with the sample.
    imageB =
        TestImage.builder()
            .layer(
                TestLayer.builder()
                    .largeFile(
                        "data/big.bin", 2 * TestImages.CHUNK + TestImages.CHUNK / 2 + 123, 77)
                    .add(TestEntry.file("etc/b.txt", "image b\n"))
                    .build())
            .build();
    try (RegistryClient client = REGISTRY.newClient()) {
      EstargzImages.push(client, "daemon/a", "v1", imageA, CHUNK);
      EstargzImages.push(client, "daemon/b", "v1", imageB, CHUNK);
    }
  }

  @AfterEach
  void cleanUp() throws Exception {
    for (Process p : started) {
      if (p.isAlive()) {
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
      }
    }
    for (Path mp : mountPoints) {
      if (MountTable.isFuseMountedAt(mp)) {
        new ProcessBuilder("fusermount", "-u", "-z", mp.toString()).inheritIO().start().waitFor();
      }
    }
  }

  @Test
  void theDaemonServesMountsOfTwoImagesOnOneCacheUntilUnmountedOrStopped() throws Exception {
    assumeTrue(Files.isReadable(Path.of("/dev/fuse")), "/dev/fuse is not available here");
    Path socket = work.resolve("d.sock");
    Path cache = work.resolve("cache");
    Path daemonLog = work.resolve("daemon.log");
    int metricsPort;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      metricsPort = free.getLocalPort();
    }
    Process daemon =
        startDaemon(socket, cache, daemonLog, "--metrics-address", "127.0.0.1:" + metricsPort);
    Path mp1 = mountPoint("mnt1");
    Path mp2 = mountPoint("mnt2");
    String refA = REGISTRY.hostPort() + "/daemon/a:v1";
    String refB = REGISTRY.hostPort() + "/daemon/b:v1";

    // The mount command exits once the mount is up; the daemon, not the command, serves it.
    Run m1 = cli("mount", refA, mp1.toString(), "--daemon-socket", socket.toString());
    assertThat(m1.exit()).as(m1.output()).isZero();
    assertThat(m1.output()).contains("via the replayer daemon at " + socket);
    assertThat(MountTable.isFuseMountedAt(mp1))
        .as("mount table after the mount command exited")
        .isTrue();
    assertTreeReadsExactly(mp1, imageA.expectedTree());
    assertThat(CacheContents.entryFiles(cache)).as("chunks in the daemon's cache").isNotEmpty();

    // A second image on the same cache: the chunks it shares with the first are not fetched again.
    Path control2 = work.resolve("mnt2.sock");
    Run m2 =
        cli(
            "mount",
            refB,
            mp2.toString(),
            "--daemon-socket",
            socket.toString(),
            "--control-socket",
            control2.toString());
    assertThat(m2.exit()).as(m2.output()).isZero();
    int entries = CacheContents.settledEntryFiles(cache).size();
    assertTreeReadsExactly(mp2, imageB.expectedTree());
    assertThat(CacheContents.settledEntryFiles(cache))
        .as("entries after reading the shared file through the second mount")
        .hasSize(entries + chunksOf("image b\n".length()));

    // stats finds a daemon mount by its mount point, also when its control socket is elsewhere
    // (then through the daemon).
    Run s1 = cli("stats", mp1.toString());
    assertThat(s1.exit()).as(s1.output()).isZero();
    assertThat(s1.output())
        .contains("mount         " + mp1.toRealPath())
        .contains("image         " + refA)
        .contains("replayer      pid " + daemon.pid());
    Run s2 = cli("stats", mp2.toString(), "--json", "--daemon-socket", socket.toString());
    assertThat(s2.exit()).as(s2.output()).isZero();
    JsonNode status2 = new ObjectMapper().readTree(s2.output());
    assertThat(status2.get("image").asText()).isEqualTo(refB);
    assertThat(status2.get("pid").asLong()).isEqualTo(daemon.pid());
    assertThat(status2.get("demandHits").asLong())
        .as("reads of mnt2 served from the cache")
        .isPositive();
    assertThat(status2.get("demandMisses").asLong())
        .as("chunks mnt2 fetched (only etc/b.txt)")
        .isEqualTo(chunksOf("image b\n".length()));

    // One Prometheus exposition for all mounts, each series labelled with its mount point.
    String metrics =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    assertThat(metrics)
        .contains("tracefetch_demand_reads_total{mount=\"" + mp1 + "\",outcome=\"fetched\"}")
        .contains("tracefetch_demand_reads_total{mount=\"" + mp2 + "\",outcome=\"hit\"}");
    assertThat(metrics.split("# TYPE tracefetch_demand_reads_total counter\n", -1))
        .as("one TYPE line per metric family")
        .hasSize(2);

    // A mount point is served once.
    Run again = cli("mount", refB, mp1.toString(), "--daemon-socket", socket.toString());
    assertThat(again.exit()).isEqualTo(1);
    assertThat(again.output())
        .contains("replayer mount: the daemon already serves a mount at " + mp1.toRealPath());
    assertThat(Files.readString(mp1.resolve("etc/hostname"))).isEqualTo("layer2\n");

    // umount through the daemon releases the mount and its control socket.
    Run u1 = cli("umount", mp1.toString(), "--daemon-socket", socket.toString());
    assertThat(u1.exit()).as(u1.output()).isZero();
    assertThat(MountTable.isFuseMountedAt(mp1)).as("mount table after replayer umount").isFalse();
    assertThat(mp1).isEmptyDirectory();
    assertThat(servedMountPoints(socket)).containsExactly(mp2.toRealPath().toString());
    Run gone = cli("stats", mp1.toString(), "--daemon-socket", socket.toString());
    assertThat(gone.exit()).isEqualTo(1);
    assertThat(gone.output()).contains("no replayer serves " + mp1.toRealPath());

    // The cache is not cleared under a served mount.
    Run refused = cli("clear-cache", "--daemon-socket", socket.toString());
    assertThat(refused.exit()).as(refused.output()).isEqualTo(1);
    assertThat(refused.output()).contains("still serves 1 mount(s) (" + mp2.toRealPath() + ")");
    assertThat(CacheContents.entryFiles(cache)).isNotEmpty();

    // A mount released from outside is reaped.
    Process fusermount = new ProcessBuilder("fusermount", "-u", mp2.toString()).start();
    assertThat(fusermount.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(fusermount.exitValue()).isZero();
    awaitServed(socket, List.of());
    assertThat(Files.readString(daemonLog))
        .contains(mp2.toRealPath() + " was unmounted from outside; releasing it");
    assertThat(control2).as("control socket of the reaped mount").doesNotExist();

    // With nothing served, clear-cache empties the daemon's cache; the next mount starts cold.
    int cached = CacheContents.settledEntryFiles(cache).size();
    Run cleared = cli("clear-cache", "--daemon-socket", socket.toString());
    assertThat(cleared.exit()).as(cleared.output()).isZero();
    assertThat(cleared.output()).contains("daemon cache: " + cached + " entries removed");
    assertThat(CacheContents.entryFiles(cache)).isEmpty();

    // The freed mount point can be mounted again; SIGTERM then unmounts everything.
    Path mp3 = mountPoint("mnt3");
    assertThat(cli("mount", refA, mp1.toString(), "--daemon-socket", socket.toString()).exit())
        .isZero();
    assertThat(cli("mount", refB, mp3.toString(), "--daemon-socket", socket.toString()).exit())
        .isZero();
    assertThat(Files.readString(mp3.resolve("etc/b.txt"))).isEqualTo("image b\n");
    assertThat(servedMountPoints(socket)).hasSize(2);

    Process kill =
        new ProcessBuilder("kill", "-s", "TERM", Long.toString(daemon.pid())).inheritIO().start();
    assertThat(kill.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(daemon.waitFor(60, TimeUnit.SECONDS)).as("daemon exits after SIGTERM").isTrue();
    String log = Files.readString(daemonLog);
    assertThat(daemon.exitValue()).as("exit code; log:\n%s", log).isZero();
    assertThat(log)
        .contains("SIGTERM")
        .contains("unmounted " + mp1.toRealPath())
        .contains("unmounted " + mp3.toRealPath());
    for (Path mp : List.of(mp1, mp2, mp3)) {
      assertThat(MountTable.isFuseMountedAt(mp))
          .as("mount table at %s after the daemon stopped", mp)
          .isFalse();
      assertThat(mp).isEmptyDirectory();
    }
    assertThat(socket).as("daemon socket after exit").doesNotExist();
    assertThat(ControlSockets.forMountPoint(ControlSockets.DEFAULT_DIR, mp1)).doesNotExist();
    CacheContents.assertIntact(cache);
  }

  @Test
  void theLauncherHandsDaemonRequestsToTheDaemonsCliSocket() throws Exception {
    assumeTrue(Files.isReadable(Path.of("/dev/fuse")), "/dev/fuse is not available here");
    assumeTrue(new ProcessBuilder("curl", "--version").start().waitFor() == 0, "no curl here");
    Path socket = work.resolve("d.sock");
    Path cache = work.resolve("cache");
    Path daemonLog = work.resolve("daemon.log");
    startDaemon(socket, cache, daemonLog);
    assertThat(work.resolve("d.cli.sock")).as("the daemon's CLI socket").exists();
    Path mp = mountPoint("mnt");
    String ref = REGISTRY.hostPort() + "/daemon/a:v1";

    // Relative paths, as typed in the work directory: they name the client's files.
    Run m = launcher("mount", ref, "mnt", "--daemon-socket", "d.sock");
    assertThat(m.exit()).as(m.output()).isZero();
    assertThat(m.output()).contains("at " + mp + " via the replayer daemon at " + socket);
    assertThat(MountTable.isFuseMountedAt(mp)).isTrue();
    assertTreeReadsExactly(mp, imageA.expectedTree());
    awaitLog(daemonLog, "ran mount for a client via the CLI socket: exit 0");

    // The daemon's refusal and exit code come through the launcher unchanged.
    Run refused = launcher("clear-cache", "--daemon-socket", "d.sock");
    assertThat(refused.exit()).as(refused.output()).isEqualTo(1);
    assertThat(refused.output()).contains("still serves 1 mount(s) (" + mp.toRealPath() + ")");

    assertThat(cli("umount", mp.toString(), "--daemon-socket", socket.toString()).exit()).isZero();
    int cached = CacheContents.settledEntryFiles(cache).size();
    Run cleared = launcher("clear-cache", "--daemon-socket", "d.sock");
    assertThat(cleared.exit()).as(cleared.output()).isZero();
    assertThat(cleared.output()).contains("daemon cache: " + cached + " entries removed");
    awaitLog(daemonLog, "ran clear-cache for a client via the CLI socket: exit 0");

    // A daemon without the CLI socket: the launcher runs the same request in a JVM.
    Path socket2 = work.resolve("plain.sock");
    Path log2 = work.resolve("daemon2.log");
    startDaemon(socket2, work.resolve("cache2"), log2, "--no-cli-socket");
    assertThat(work.resolve("plain.cli.sock")).doesNotExist();
    Path mp2 = mountPoint("mnt2");
    Run m2 = launcher("mount", ref, mp2.toString(), "--daemon-socket", socket2.toString());
    assertThat(m2.exit()).as(m2.output()).isZero();
    assertThat(MountTable.isFuseMountedAt(mp2)).isTrue();
    assertThat(Files.readString(log2)).doesNotContain("via the CLI socket");
  }

  @Test
  void mountingWithoutADaemonSaysHowToStartOne() throws Exception {
    Path socket = work.resolve("none.sock");
    Path mp = mountPoint("mnt");
    Run r =
        cli(
            "mount",
            REGISTRY.hostPort() + "/daemon/a:v1",
            mp.toString(),
            "--daemon-socket",
            socket.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.output())
        .contains("no replayer daemon socket at " + socket)
        .contains("start the node daemon first: replayer daemon --socket " + socket);
    assertThat(MountTable.isFuseMountedAt(mp)).isFalse();
  }

  private record Run(int exit, String output) {}

  private Path mountPoint(String name) throws Exception {
    Path mp = Files.createDirectories(work.resolve(name));
    mountPoints.add(mp);
    return mp;
  }

  /** Runs the replayer CLI in its own JVM, as an operator or the runtime's shim would. */
  private Run cli(String... args) throws Exception {
    Path out = Files.createTempFile(work, "cli-", ".log");
    Process p =
        new ProcessBuilder(ReplayerProcess.command(args))
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
    started.add(p);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("replayer %s exits", args[0]).isTrue();
    return new Run(p.exitValue(), Files.readString(out));
  }

  /** Runs {@code bin/replayer} in the work directory, as an operator types it. */
  private Run launcher(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(LAUNCHER.toString()));
    command.addAll(List.of(args));
    Path out = Files.createTempFile(work, "launcher-", ".log");
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(work.toFile())
            .redirectErrorStream(true)
            .redirectOutput(out.toFile());
    pb.environment().remove("TRACEFETCH_NO_FORWARD");
    Process p = pb.start();
    started.add(p);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("bin/replayer %s exits", args[0]).isTrue();
    return new Run(p.exitValue(), Files.readString(out));
  }

  /** The daemon logs a forwarded command after its client got the exit code. */
  private static void awaitLog(Path log, String line) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!Files.readString(log).contains(line) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(Files.readString(log)).contains(line);
  }

  private Process startDaemon(Path socket, Path cache, Path log, String... more) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "daemon",
                "--socket",
                socket.toString(),
                "--cache",
                cache.toString(),
                "--cache-size",
                "256M"));
    args.addAll(List.of(more));
    Process p =
        new ProcessBuilder(ReplayerProcess.command(args.toArray(String[]::new)))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    started.add(p);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.readString(log).contains("replayer daemon: serving on " + socket)) {
      if (!p.isAlive()) {
        throw new AssertionError(
            "replayer daemon exited with " + p.exitValue() + ":\n" + Files.readString(log));
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("daemon not serving within 60 s:\n" + Files.readString(log));
      }
      Thread.sleep(100);
    }
    return p;
  }

  private static List<String> servedMountPoints(Path socket) throws Exception {
    try (DaemonClient client = DaemonClient.connect(socket)) {
      return client.mounts(Duration.ofSeconds(10)).stream()
          .map(ServedMount::getMountPoint)
          .toList();
    }
  }

  private static void awaitServed(Path socket, List<String> expected) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    List<String> served = servedMountPoints(socket);
    while (!served.equals(expected) && System.nanoTime() < deadline) {
      Thread.sleep(200);
      served = servedMountPoints(socket);
    }
    assertThat(served).as("mounts the daemon serves").isEqualTo(expected);
  }

  /** The eStargz chunks of a file of {@code size} bytes. */
  private static int chunksOf(long size) {
    return (int) ((size + CHUNK - 1) / CHUNK);
  }

  /** Every file reads the bytes the image holds; every symlink points where it should. */
  private static void assertTreeReadsExactly(Path mp, ExpectedTree expected) throws Exception {
    for (Map.Entry<String, ExpectedTree.Node> e : expected.nodes().entrySet()) {
      ExpectedTree.Node n = e.getValue();
      Path p = mp.resolve(e.getKey());
      switch (n.type()) {
        case FILE ->
            assertThat(Digest.of(Files.readAllBytes(p)))
                .as("content of %s in %s", e.getKey(), mp)
                .isEqualTo(n.contentDigest());
        case SYMLINK ->
            assertThat(Files.readSymbolicLink(p).toString())
                .as("target of %s", e.getKey())
                .isEqualTo(n.linkTarget());
        case DIRECTORY -> assertThat(p).isDirectory();
        default -> {}
      }
    }
  }
}
