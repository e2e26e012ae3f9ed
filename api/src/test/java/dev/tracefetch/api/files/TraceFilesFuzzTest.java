package dev.tracefetch.api.files;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tracefetch.api.v1.ReplayPlan;
import dev.tracefetch.api.v1.Trace;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * Coverage-guided fuzzing of the trace/replay file reader. Any outcome other than a parsed message
 * or a {@link FileFormatException} (a runtime exception, an OOM, a hang) is a finding. {@code mvn
 * verify} replays the committed seeds in {@code TraceFilesFuzzTestInputs/<method>/}; {@code
 * JAZZER_FUZZ=1} fuzzes.
 */
class TraceFilesFuzzTest {
  private static final ReadLimits LIMITS = new ReadLimits(1 << 20);

  @FuzzTest(maxDuration = "5s")
  void traceFile(byte[] file) throws IOException {
    try {
      Trace trace = TraceFiles.read(file, LIMITS);
      assertThat(TraceFiles.read(TraceFiles.toBytes(trace), LIMITS)).isEqualTo(trace);
    } catch (FileFormatException expected) {
      assertThat(expected).hasMessageNotContaining("null");
    }
  }

  @FuzzTest(maxDuration = "5s")
  void replayFile(byte[] file) throws IOException {
    try {
      ReplayPlan plan = ReplayFiles.read(file, LIMITS);
      assertThat(ReplayFiles.read(ReplayFiles.toBytes(plan), LIMITS)).isEqualTo(plan);
    } catch (FileFormatException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    }
  }

  /** A valid envelope around fuzzed protobuf bytes, so the fuzzer reaches the message parser. */
  @FuzzTest(maxDuration = "5s")
  void tracePayload(byte[] payload) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(FileHeader.current(PayloadKind.TRACE, payload.length).toBytes());
    try (var zstd = new com.github.luben.zstd.ZstdOutputStream(out)) {
      zstd.write(payload);
    }
    try {
      TraceFiles.read(out.toByteArray(), LIMITS);
    } catch (FileFormatException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    }
  }
}
