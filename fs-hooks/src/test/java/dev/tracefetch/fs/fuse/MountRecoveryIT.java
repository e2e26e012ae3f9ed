package dev.tracefetch.fs.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A mount whose process was killed leaves a dead FUSE endpoint; the next mount must recover it. */
class MountRecoveryIT {
  @TempDir Path work;

  @Test
  void mountLeftByAKilledProcessIsReleasedAndMountedAgain() throws Exception {
    MountedImage.assumeFuse();
    Path mp = Files.createDirectories(work.resolve("mnt"));
    Path childWork = Files.createDirectories(work.resolve("child"));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                MountMain.class.getName(),
                childWork.toString(),
                mp.toString())
            .redirectErrorStream(true)
            .start();
    MountedImage second = null;
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      StringBuilder log = new StringBuilder();
      String line;
      while ((line = out.readLine()) != null && !line.equals("MOUNTED")) {
        log.append(line).append('\n');
      }
      assertThat(line).as("child output:\n%s", log).isEqualTo("MOUNTED");
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
