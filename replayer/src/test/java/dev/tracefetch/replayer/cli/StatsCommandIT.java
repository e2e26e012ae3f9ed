package dev.tracefetch.replayer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracefetch.api.v1.StartReplayRequest;
import dev.tracefetch.replayer.control.ControlClient;
import dev.tracefetch.replayer.control.ServedMount;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code replayer stats} against a fake engine behind a real control socket. */
class StatsCommandIT {
  @TempDir Path dir;

  private record Run(int exit, String out, String err) {}

  private Run stats(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        new CommandLine(new StatsCommand())
            .setOut(new PrintWriter(out))
            .setErr(new PrintWriter(err))
            .execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void printsTheReplayStatusOfTheMount() throws Exception {
    Path socketDir = dir.resolve("run");
    Path mnt = Files.createDirectories(dir.resolve("mnt"));
    try (ServedMount served = new ServedMount(socketDir, mnt, "127.0.0.1:5000/app:1")) {
      try (ControlClient c = ControlClient.connect(served.socket())) {
        c.start(
            StartReplayRequest.newBuilder().setApp("web").setWait(true).build(),
            Duration.ofSeconds(30));
      }
      Run text = stats(mnt.toString(), "--socket-dir", socketDir.toString());
      assertThat(text.exit()).as(text.err()).isZero();
      assertThat(text.out())
          .contains("mount         " + mnt.toRealPath())
          .contains("image         127.0.0.1:5000/app:1 (" + served.image.manifestDigest() + ")")
          .contains("replay        running, plan from store:test")
          .contains("chunks        4 planned, 3 prefetched, 1 already cached")
          .contains("fetched       4.0 KiB in 2 range requests")
          .contains("demand reads  90 from cache, 10 fetched (hit ratio 90.0%)")
          .contains("precision     62.5% (2.9 KiB of prefetched data read), recall 90.0%")
          .contains("errors        1 (last: range 0-10 of sha256:x: HTTP 503)");

      Run json = stats(mnt.toString(), "--socket-dir", socketDir.toString(), "--json");
      assertThat(json.exit()).isZero();
      JsonNode node = new ObjectMapper().readTree(json.out());
      assertThat(node.get("state").asText()).isEqualTo("RUNNING");
      assertThat(node.get("hitRatio").asDouble()).isEqualTo(0.9);
      assertThat(node.get("requests").asLong()).isEqualTo(2);
      assertThat(node.get("precision").asDouble()).isEqualTo(0.625);
      assertThat(node.get("recall").asDouble()).isEqualTo(0.9);
      assertThat(node.get("manifestDigest").asText())
          .isEqualTo(served.image.manifestDigest().toString());
      assertThat(node.get("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
    }
  }

  @Test
  void saysSoWhenNoReplayerServesTheMountPoint() throws Exception {
    Path mnt = Files.createDirectories(dir.resolve("mnt"));
    Run run = stats(mnt.toString(), "--socket-dir", dir.resolve("run").toString());
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err())
        .startsWith("replayer stats: no replayer serves " + mnt.toRealPath())
        .contains("no control socket at " + dir.resolve("run"));
    assertThat(run.out()).isEmpty();
  }

  @Test
  void formatsByteCounts() {
    assertThat(StatsCommand.bytes(0)).isEqualTo("0 B");
    assertThat(StatsCommand.bytes(1536)).isEqualTo("1.5 KiB");
    assertThat(StatsCommand.bytes(5L << 30)).isEqualTo("5.0 GiB");
  }
}
