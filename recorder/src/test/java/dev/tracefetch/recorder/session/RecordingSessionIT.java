package dev.tracefetch.recorder.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tracefetch.api.v1.AccessEvent;
import dev.tracefetch.api.v1.ChunkRef;
import dev.tracefetch.api.v1.Readiness.Kind;
import dev.tracefetch.api.v1.Trace;
import dev.tracefetch.oci.image.ImageReference;
import dev.tracefetch.oci.registry.RegistryClient;
import dev.tracefetch.oci.testing.RegistryExtension;
import dev.tracefetch.recorder.readiness.Readiness;
import dev.tracefetch.recorder.testing.BusyboxImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real recordings: busybox from an eStargz image in the registry fixture, run in a real bubblewrap
 * sandbox on an overlay of a real FUSE mount, recorded through the access hooks.
 */
class RecordingSessionIT {
  @RegisterExtension static final RegistryExtension REGISTRY = RegistryExtension.anonymous();

  static String withCmd;
  static String withoutCmd;

  @TempDir Path temp;
  final List<String> output = Collections.synchronizedList(new ArrayList<>());

  @BeforeAll
  static void pushImages() throws Exception {
    assumeTrue(Files.isExecutable(BusyboxImages.BUSYBOX), "busybox-static is not installed");
    try (RegistryClient client = REGISTRY.newClient()) {
      withCmd =
          BusyboxImages.push(
              client,
              REGISTRY.hostPort(),
              "rec/busybox",
              BusyboxImages.image("sh", "-c", "cat /a /b"));
      withoutCmd =
          BusyboxImages.push(client, REGISTRY.hostPort(), "rec/nocmd", BusyboxImages.image());
    }
  }

  private Set<Long> before;

  @BeforeEach
  void requireHost() {
    before =
        ProcessHandle.current().descendants().map(ProcessHandle::pid).collect(Collectors.toSet());
    assumeTrue(Preflight.problems().isEmpty(), () -> "cannot record here: " + Preflight.problems());
  }

  @AfterEach
  void nothingLeftBehind() throws Exception {
    assertThat(Files.readString(Path.of("/proc/self/mounts"))).doesNotContain(temp.toString());
    try (var s = Files.list(temp)) {
      assertThat(s.toList()).as("temporary files left in %s", temp).isEmpty();
    }
    assertThat(
            ProcessHandle.current()
                .descendants()
                .filter(ProcessHandle::isAlive)
                .filter(p -> !before.contains(p.pid()))
                .toList())
        .as("processes left behind")
        .isEmpty();
  }

  private RecordRequest request(String image, String ready, Duration timeout, String... cmd) {
    return new RecordRequest(
        ImageReference.parse(image),
        "busybox-app",
        Readiness.parse(ready),
        timeout,
        Duration.ZERO,
        List.of(),
        null,
        null,
        List.of(cmd),
        null,
        List.of(),
        temp,
        Duration.ofSeconds(20),
        output::add,
        true);
  }

  private static Set<String> files(Trace t, AccessEvent.Kind kind) {
    return t.getEventsList().stream()
        .filter(e -> e.getKind() == kind)
        .map(e -> t.getFiles(e.getFileIndex()).getPath())
        .collect(Collectors.toSet());
  }

  @Test
  void recordsExactlyTheFilesTheProgramOpened() throws Exception {
    RecordingResult r =
        new RecordingSession(request(withCmd, "exit", Duration.ofSeconds(30))).run();

    assertThat(r.failure()).isNull();
    assertThat(output).containsExactly("A", "B");
    Trace t = r.trace();
    assertThat(files(t, AccessEvent.Kind.OPEN))
        .containsExactlyInAnyOrder("/bin/busybox", "/a", "/b");
    assertThat(files(t, AccessEvent.Kind.READ))
        .containsExactlyInAnyOrder("/bin/busybox", "/a", "/b");
    assertThat(t.getContext().getIncomplete()).isFalse();
    assertThat(t.getContext().getDroppedEvents()).isZero();
    assertThat(t.getContext().getMode()).isEqualTo("build");
    assertThat(t.getContext().getReadiness().getKind()).isEqualTo(Kind.EXIT);
    assertThat(t.getContext().getReadiness().getReached()).isTrue();
    assertThat(t.getApp()).isEqualTo("busybox-app");
    assertThat(t.getManifestDigest()).startsWith("sha256:");
    assertThat(t.getLayersCount()).isEqualTo(2);
    AccessEvent readA =
        t.getEventsList().stream()
            .filter(e -> e.getKind() == AccessEvent.Kind.READ)
            .filter(e -> t.getFiles(e.getFileIndex()).getPath().equals("/a"))
            .findFirst()
            .orElseThrow();
    assertThat(readA.getChunksList()).hasSize(1);
    assertThat(readA.getChunks(0).getLayerIndex()).isEqualTo(1);
    assertThat(readA.getChunks(0).getChunkDigest()).startsWith("sha256:");
    assertThat(readA.getPid()).isPositive();
    assertThat(t.getFiles(readA.getFileIndex()).getLayerIndex()).isEqualTo(1);
    List<Long> offsets = t.getEventsList().stream().map(AccessEvent::getTimeOffsetMicros).toList();
    assertThat(offsets).isSorted();
  }

  @Test
  void recordedFilesMatchWhatStraceSawTheProgramOpen() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/strace")), "strace is not installed");
    RecordingResult r =
        new RecordingSession(request(withCmd, "exit", Duration.ofSeconds(30))).run();
    Set<String> recorded = files(r.trace(), AccessEvent.Kind.OPEN);

    Set<String> traced = StraceOpens.of(withCmd, List.of("/bin/sh", "-c", "cat /a /b"), temp);

    assertThat(recorded).isEqualTo(traced);
  }

  @Test
  void twoRecordingsOfTheSameStartAgreeOnChunks() throws Exception {
    String[] cmd = {"/bin/sh", "-c", "cat /a /b; head -c 600000 /data/big.bin | cat > /dev/null"};
    Trace first =
        new RecordingSession(request(withCmd, "exit", Duration.ofSeconds(30), cmd)).run().trace();
    Trace second =
        new RecordingSession(request(withCmd, "exit", Duration.ofSeconds(30), cmd)).run().trace();

    Set<String> a = chunks(first);
    Set<String> b = chunks(second);
    assertThat(a).hasSizeGreaterThan(3);
    Set<String> common = new HashSet<>(a);
    common.retainAll(b);
    Set<String> all = new HashSet<>(a);
    all.addAll(b);
    assertThat((double) common.size() / all.size()).isGreaterThanOrEqualTo(0.95);
  }

  private static Set<String> chunks(Trace t) {
    return t.getEventsList().stream()
        .flatMap(e -> e.getChunksList().stream())
        .map(ChunkRef::getChunkDigest)
        .collect(Collectors.toSet());
  }

  @Test
  void nonZeroExitIsAFailureWithAnIncompleteTrace() throws Exception {
    RecordingResult r =
        new RecordingSession(
                request(withCmd, "exit", Duration.ofSeconds(30), "sh", "-c", "cat /a; exit 3"))
            .run();

    assertThat(r.failure()).isEqualTo("the application exited with code 3");
    assertThat(r.trace().getContext().getIncomplete()).isTrue();
    assertThat(r.trace().getContext().getReadiness().getExitCode()).isEqualTo(3);
    assertThat(files(r.trace(), AccessEvent.Kind.READ)).contains("/a");
  }

  @Test
  void readinessNeverReachedTimesOutStopsTheAppAndKeepsThePartialTrace() throws Exception {
    RecordingResult r =
        new RecordingSession(
                request(
                    withCmd,
                    "log:never printed",
                    Duration.ofSeconds(2),
                    "sh",
                    "-c",
                    "cat /b; sleep 60"))
            .run();

    assertThat(r.failure()).contains("not ready within 2s");
    assertThat(r.trace().getContext().getReadiness().getKind()).isEqualTo(Kind.TIMEOUT);
    assertThat(r.trace().getContext().getReadiness().getReached()).isFalse();
    assertThat(r.trace().getContext().getIncomplete()).isTrue();
    assertThat(files(r.trace(), AccessEvent.Kind.READ)).contains("/b");
  }

  @Test
  void logReadinessEndsTheRecordingWhileTheAppKeepsRunning() throws Exception {
    RecordingResult r =
        new RecordingSession(
                request(
                    withCmd,
                    "log:^ready$",
                    Duration.ofSeconds(60),
                    "sh",
                    "-c",
                    "cat /a; echo ready; sleep 60; cat /b"))
            .run();

    assertThat(r.failure()).isNull();
    assertThat(r.trace().getContext().getReadiness().getKind()).isEqualTo(Kind.LOG);
    assertThat(r.trace().getContext().getReadiness().getReached()).isTrue();
    assertThat(files(r.trace(), AccessEvent.Kind.READ)).contains("/a").doesNotContain("/b");
  }

  @Test
  void httpReadinessWaitsForTheServerToAnswer() throws Exception {
    int port;
    try (var s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    RecordingResult r =
        new RecordingSession(
                request(
                    withCmd,
                    "http://127.0.0.1:" + port + "/index.html",
                    Duration.ofSeconds(30),
                    "httpd",
                    "-f",
                    "-p",
                    "127.0.0.1:" + port,
                    "-h",
                    "/www"))
            .run();

    assertThat(r.failure()).isNull();
    assertThat(r.trace().getContext().getReadiness().getKind()).isEqualTo(Kind.HTTP);
    assertThat(files(r.trace(), AccessEvent.Kind.READ)).contains("/www/index.html");
  }

  @Test
  void userEnvAndWorkdirComeFromTheOverridesLikeDockerRun() throws Exception {
    RecordRequest base = request(withCmd, "exit", Duration.ofSeconds(30));
    RecordRequest r =
        new RecordRequest(
            base.image(),
            base.app(),
            base.readiness(),
            base.timeout(),
            base.grace(),
            List.of("EXTRA=x"),
            "/www",
            "app",
            List.of(
                "/bin/busybox",
                "sh",
                "-c",
                "busybox id -u; busybox id -g; echo $GREETING $EXTRA; pwd"),
            null,
            List.of(),
            temp,
            Duration.ofSeconds(20),
            output::add,
            true);

    RecordingResult result = new RecordingSession(r).run();

    assertThat(result.failure()).isNull();
    assertThat(output).containsExactly("1000", "1000", "hi x", "/www");
  }

  @Test
  void anImageWithoutACommandNeedsOne() {
    assertThatThrownBy(
            () -> new RecordingSession(request(withoutCmd, "exit", Duration.ofSeconds(10))).run())
        .isInstanceOf(RecordingException.class)
        .hasMessageContaining("no command to run")
        .hasMessageContaining("rec/nocmd");
  }

  @Test
  void anUnknownImageIsNamed() {
    String missing = REGISTRY.hostPort() + "/rec/missing:v1";
    assertThatThrownBy(
            () -> new RecordingSession(request(missing, "exit", Duration.ofSeconds(10))).run())
        .isInstanceOf(RecordingException.class)
        .hasMessageContaining("cannot mount image " + missing);
  }
}
