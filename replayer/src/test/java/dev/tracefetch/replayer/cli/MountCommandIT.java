package dev.tracefetch.replayer.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tracefetch.fs.fuse.MountTable;
import dev.tracefetch.oci.registry.RegistryClient;
import dev.tracefetch.oci.testing.PushedImage;
import dev.tracefetch.oci.testing.RegistryExtension;
import dev.tracefetch.oci.testing.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code replayer mount} as an operator runs it: the real CLI main in its own JVM against a real
 * registry, serving until a signal, then unmounting and exiting 0. The child is started by
 * ProcessBuilder, so SIGINT is not ignored in it (as it would be for a background job of a
 * non-interactive shell).
 */
class MountCommandIT {
  @RegisterExtension static final RegistryExtension REGISTRY = RegistryExtension.anonymous();

  @TempDir Path work;

  @ParameterizedTest(name = "SIG{0}")
  @ValueSource(strings = {"TERM", "INT"})
  void mountServesTheImageUntilASignalThenUnmountsAndExitsZero(String signal) throws Exception {
    assumeTrue(Files.isReadable(Path.of("/dev/fuse")), "/dev/fuse is not available here");
    String repo = "cli/mount-" + signal.toLowerCase(java.util.Locale.ROOT);
    PushedImage pushed;
    try (RegistryClient client = REGISTRY.newClient()) {
      pushed = TestImages.sample().push(client, repo, "v1");
    }
    Path mp = Files.createDirectories(work.resolve("mnt"));
    Path log = work.resolve("child.log");
    Process child =
        ReplayerProcess.start(
            log,
            "mount",
            pushed.reference(),
            mp.toString(),
            "--cache",
            work.resolve("cache").toString(),
            "--cache-size",
            "256M");
    try {
      awaitMounted(child, mp, log);
      // The sample's layers are plain tar.gz: the first access downloads and indexes them.
      assertThat(Files.readString(mp.resolve("etc/hostname"))).isEqualTo("layer2\n");
      assertThat(Files.readString(mp.resolve("etc/os-release"))).isEqualTo("ID=tracefetch-test\n");

      Process kill =
          new ProcessBuilder("kill", "-s", signal, Long.toString(child.pid())).inheritIO().start();
      assertThat(kill.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(kill.exitValue()).isZero();

      assertThat(child.waitFor(60, TimeUnit.SECONDS))
          .as("child exits after SIG%s", signal)
          .isTrue();
      String output = Files.readString(log);
      assertThat(child.exitValue()).as("exit code; output:\n%s", output).isZero();
      assertThat(output).contains("mounted " + pushed.reference()).contains("SIG" + signal);
      assertThat(MountTable.isFuseMountedAt(mp)).as("mount table after exit").isFalse();
      assertThat(mp).isEmptyDirectory();
    } finally {
      if (child.isAlive()) {
        child.destroyForcibly();
        child.waitFor(30, TimeUnit.SECONDS);
      }
      if (MountTable.isFuseMountedAt(mp)) {
        new ProcessBuilder("fusermount", "-u", "-z", mp.toString()).inheritIO().start().waitFor();
      }
    }
  }

  static void awaitMounted(Process child, Path mp, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!MountTable.isFuseMountedAt(mp)) {
      if (!child.isAlive()) {
        throw new AssertionError(
            "replayer mount exited with " + child.exitValue() + ":\n" + Files.readString(log));
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not mounted within 120 s:\n" + Files.readString(log));
      }
      Thread.sleep(100);
    }
  }
}
