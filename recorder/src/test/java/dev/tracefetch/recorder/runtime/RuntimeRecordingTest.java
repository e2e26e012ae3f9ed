package dev.tracefetch.recorder.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracefetch.fs.ops.FileSystemOperations;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RuntimeRecordingTest {
  private static RuntimeRecording.Settings settings(double sample) {
    return new RuntimeRecording.Settings(
        "web", Duration.ofSeconds(60), sample, Path.of("/tmp/x.trace"), null, null, Path.of("/s"));
  }

  private static FileSystemOperations anyFs() {
    return (FileSystemOperations)
        java.lang.reflect.Proxy.newProxyInstance(
            FileSystemOperations.class.getClassLoader(),
            new Class<?>[] {FileSystemOperations.class},
            (proxy, method, args) -> {
              throw new UnsupportedOperationException(method.getName());
            });
  }

  @Test
  void settingsNameWhatIsWrong() {
    Path spool = Path.of("/s");
    assertThatThrownBy(
            () ->
                new RuntimeRecording.Settings(
                    null, Duration.ofSeconds(1), 1, Path.of("o"), null, null, spool))
        .hasMessageContaining("--record needs --app");
    assertThatThrownBy(
            () ->
                new RuntimeRecording.Settings(
                    "a", Duration.ZERO, 1, Path.of("o"), null, null, spool))
        .hasMessageContaining("--record-for must be positive");
    assertThatThrownBy(() -> settings(0)).hasMessageContaining("--sample must be in (0, 1]");
    assertThatThrownBy(() -> settings(1.5)).hasMessageContaining("--sample");
    assertThatThrownBy(
            () ->
                new RuntimeRecording.Settings(
                    "a", Duration.ofSeconds(1), 1, null, URI.create("http://s"), null, spool))
        .hasMessageContaining("--upload needs --token");
    assertThatThrownBy(
            () ->
                new RuntimeRecording.Settings(
                    "a", Duration.ofSeconds(1), 1, null, null, null, spool))
        .hasMessageContaining("--upload URL");
  }

  @Test
  void aMountOutsideTheSampleIsNotDecoratedAndRecordsNothing() throws Exception {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    RuntimeRecording r = new RuntimeRecording(settings(0.1), 0.5, new PrintStream(log, true));
    FileSystemOperations fs = anyFs();

    assertThat(r.sampled()).isFalse();
    assertThat(r.decorator().apply(fs)).isSameAs(fs);
    assertThat(r.finish(true)).isEmpty();
  }

  @Test
  void aSampledMountIsDecorated() {
    RuntimeRecording r = new RuntimeRecording(settings(0.1), 0.05, System.err);
    FileSystemOperations fs = anyFs();
    assertThat(r.sampled()).isTrue();
    assertThat(r.decorator().apply(fs)).isNotSameAs(fs);
  }
}
