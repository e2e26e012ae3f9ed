package dev.tracefetch.fs.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A mount whose process was killed leaves a dead FUSE endpoint; the next mount must recover it. */
class MountRecoveryIT {
  @TempDir Path work;

  private Process startChild(Path mp, String... extra) throws Exception {
    Path childWork = Files.createDirectories(work.resolve("child"));
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd =
        new ArrayList<>(
            List.of(
                javaBin,
                "-cp",
                System.getProperty("java.class.path"),
                MountMain.class.getName(),
                childWork.toString(),
                mp.toString()));
    cmd.addAll(List.of(extra));
    return new ProcessBuilder(cmd).redirectErrorStream(true).start();
  }

  private static void awaitMounted(Process child) throws Exception {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder log = new StringBuilder();
    String line;
    while ((line = out.readLine()) != null && !line.equals("MOUNTED")) {
      log.append(line).append('\n');
    }
    assertThat(line).as("child output:\n%s", log).isEqualTo("MOUNTED");
  }

  @Test
  void processExitingWithoutClosingItsMountStillReleasesIt() throws Exception {
    MountedImage.assumeFuse();
    Path mp = Files.createDirectories(work.resolve("mnt"));
    Process child = startChild(mp, "exit-on-input");
    try {
      awaitMounted(child);
      assertThat(Files.readString(mp.resolve("etc/hostname"))).isEqualTo("upper\n");
      child.getOutputStream().write('\n');
      child.getOutputStream().flush();
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(MountTable.find(mp).filter(MountTable.Entry::isFuse)).isEmpty();
    } finally {
      child.destroyForcibly();
      Mount.releaseStale(mp);
    }
  }

  @Test
  void mountLeftByAKilledProcessIsReleasedAndMountedAgain() throws Exception {
    MountedImage.assumeFuse();
    Path mp = Files.createDirectories(work.resolve("mnt"));
    Process child = startChild(mp);
    MountedImage second = null;
    try {
      awaitMounted(child);
      assertThat(Files.readString(mp.resolve("etc/hostname"))).isEqualTo("upper\n");

      child.destroyForcibly(); // SIGKILL: no shutdown hook, no unmount
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(MountTable.find(mp).filter(MountTable.Entry::isFuse)).isPresent();
      assertThat(Mount.isStale(mp)).isTrue();
      try {
        Files.readString(mp.resolve("etc/hostname"));
        throw new AssertionError("a dead mount must not serve reads");
      } catch (FileSystemException expected) {
        assertThat(expected.getMessage()).contains("not connected");
      }

      second = MountedImage.mount(SyntheticImage.build(work), work, MountOptions.defaults());
      assertThat(second.root()).isEqualTo(mp);
      assertThat(Files.readString(mp.resolve("etc/hostname"))).isEqualTo("upper\n");
      assertThat(Mount.isStale(mp)).isFalse();
    } finally {
      child.destroyForcibly();
      if (second != null) {
        second.close();
      }
      Mount.releaseStale(mp);
    }
    assertThat(MountTable.find(mp).filter(MountTable.Entry::isFuse)).isEmpty();
  }
}
