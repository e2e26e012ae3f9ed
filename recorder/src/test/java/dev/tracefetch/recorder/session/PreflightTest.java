package dev.tracefetch.recorder.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreflightTest {
  @TempDir Path dir;

  @Test
  void saysExactlyWhatIsMissing() throws Exception {
    Path status =
        Files.writeString(dir.resolve("status"), "Name:\tjava\nUid:\t1000\t1000\t1000\t1000\n");
    List<String> problems =
        Preflight.problems(status, dir.resolve("fuse"), List.of("no-such-tool-xyz"));
    assertThat(problems).hasSize(3);
    assertThat(problems.get(0)).contains("must run as root").contains("uid 1000");
    assertThat(problems.get(1)).contains(dir.resolve("fuse") + " does not exist");
    assertThat(problems.get(2)).contains("'no-such-tool-xyz' is not installed");
  }

  @Test
  void rootWithADeviceAndToolsHasNoProblems() throws Exception {
    Path status = Files.writeString(dir.resolve("status"), "Uid:\t0\t0\t0\t0\n");
    Path dev = Files.writeString(dir.resolve("fuse"), "");
    assertThat(Preflight.problems(status, dev, List.of("sh"))).isEmpty();
  }
}
