package dev.tracefetch.replayer.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tracefetch.api.files.ReadLimits;
import dev.tracefetch.api.files.TraceFiles;
import dev.tracefetch.api.v1.AccessEvent;
import dev.tracefetch.api.v1.Readiness;
import dev.tracefetch.api.v1.Trace;
import dev.tracefetch.fs.fuse.Mount;
import dev.tracefetch.oci.registry.RegistryClient;
import dev.tracefetch.oci.testing.PushedImage;
import dev.tracefetch.oci.testing.RegistryExtension;
import dev.tracefetch.oci.testing.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Runtime recording: {@code replayer mount --record} records whatever reads the mount (here the
 * test itself, standing in for a container runtime) and writes the trace when the window ends or
 * when the mount is released first.
 */
class MountRecordIT {
  @RegisterExtension static final RegistryExtension REGISTRY = RegistryExtension.anonymous();

  static PushedImage image;

  @TempDir Path dir;

  @BeforeAll
  static void push() throws Exception {
    try (RegistryClient client = REGISTRY.newClient()) {
      image = TestImages.sample().push(client, "runtime/sample", "v1");
    }
  }

  private CompletableFuture<Integer> mount(Path mp, String... extra) throws Exception {
    assumeTrue(Files.isReadable(Path.of("/dev/fuse")), "/dev/fuse is not available here");
    Files.createDirectories(mp);
    String[] args = new String[4 + extra.length];
    args[0] = "mount";
    args[1] = image.reference();
    args[2] = mp.toString();
    args[3] = "--cache=" + dir.resolve("cache");
    System.arraycopy(extra, 0, args, 4, extra.length);
    CompletableFuture<Integer> exit =
        CompletableFuture.supplyAsync(() -> new CommandLine(new ReplayerCommand()).execute(args));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!mounted(mp)) {
      assertThat(exit).as("mount command ended early").isNotDone();
      assertThat(System.nanoTime()).as("mounted in time").isLessThan(deadline);
      Thread.sleep(50);
    }
    return exit;
  }

  private static boolean mounted(Path mp) throws java.io.IOException {
    return Files.readAllLines(Path.of("/proc/self/mounts")).stream()
        .map(l -> l.split(" "))
        .anyMatch(f -> f.length > 2 && f[1].equals(mp.toString()) && f[2].startsWith("fuse"));
  }

  private static Set<String> read(Trace t) {
    return t.getEventsList().stream()
        .filter(e -> e.getKind() == AccessEvent.Kind.READ)
        .map(e -> t.getFiles(e.getFileIndex()).getPath())
        .collect(Collectors.toSet());
  }

  @Test
  void releasingTheMountEndsTheRecordingAndWritesTheTrace() throws Exception {
    Path mp = dir.resolve("mnt");
    Path out = dir.resolve("runtime.trace");
    CompletableFuture<Integer> exit =
        mount(
            mp, "--record", "--app", "web", "--record-for", "10m", "--record-out", out.toString());

    assertThat(Files.readString(mp.resolve("etc/hostname"))).isEqualTo("layer2\n");
    Mount.unmount(mp, false);

    assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
    Trace t = TraceFiles.read(out, ReadLimits.defaults());
    assertThat(t.getApp()).isEqualTo("web");
    assertThat(t.getContext().getMode()).isEqualTo("runtime");
    assertThat(t.getContext().getReadiness().getKind()).isEqualTo(Readiness.Kind.WINDOW);
    assertThat(t.getContext().getReadiness().getDetail()).startsWith("mount released after");
    assertThat(t.getManifestDigest()).isEqualTo(image.manifestDescriptor().digest().toString());
    assertThat(read(t)).containsExactly("/etc/hostname");
  }

  @Test
  void theWindowEndsTheRecordingWhileTheMountStays() throws Exception {
    Path mp = dir.resolve("mnt2");
    Path out = dir.resolve("window.trace");
    CompletableFuture<Integer> exit =
        mount(mp, "--record", "--app", "web", "--record-for", "1s", "--record-out", out.toString());
    try {
      assertThat(Files.readString(mp.resolve("etc/os-release"))).isEqualTo("ID=tracefetch-test\n");
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!Files.exists(out)) {
        assertThat(System.nanoTime()).as("trace written when the window ends").isLessThan(deadline);
        Thread.sleep(50);
      }
      Files.readString(mp.resolve("opt/conf/only"));
      Trace t = TraceFiles.read(out, ReadLimits.defaults());
      assertThat(t.getContext().getReadiness().getDetail()).isEqualTo("window 1000ms");
      assertThat(read(t)).containsExactly("/etc/os-release");
      assertThat(mounted(mp)).isTrue();
    } finally {
      Mount.unmount(mp, false);
      exit.get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void recordWithoutAnAppIsAUsageError() {
    int code =
        new CommandLine(new ReplayerCommand())
            .execute("mount", image.reference(), dir.toString(), "--record", "--record-out", "x");
    assertThat(code).isEqualTo(2);
  }
}
