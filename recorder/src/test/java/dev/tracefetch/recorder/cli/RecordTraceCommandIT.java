package dev.tracefetch.recorder.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tracefetch.api.files.ReadLimits;
import dev.tracefetch.api.files.TraceFiles;
import dev.tracefetch.api.v1.Trace;
import dev.tracefetch.oci.registry.RegistryClient;
import dev.tracefetch.oci.testing.RegistryExtension;
import dev.tracefetch.recorder.session.Preflight;
import dev.tracefetch.recorder.testing.BusyboxImages;
import dev.tracefetch.recorder.testing.StoreStub;
import dev.tracefetch.recorder.upload.TraceSpool;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code record-trace} end to end: a real recording written, summarised, uploaded, spooled. */
class RecordTraceCommandIT {
  @RegisterExtension static final RegistryExtension REGISTRY = RegistryExtension.anonymous();

  static String image;

  @TempDir Path dir;

  @BeforeAll
  static void push() throws Exception {
    assumeTrue(Files.isExecutable(BusyboxImages.BUSYBOX), "busybox-static is not installed");
    try (RegistryClient client = REGISTRY.newClient()) {
      image =
          BusyboxImages.push(
              client, REGISTRY.hostPort(), "cli/busybox", BusyboxImages.image("cat", "/a", "/b"));
    }
  }

  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        new CommandLine(new RecordTraceCommand())
            .setOut(new PrintWriter(out))
            .setErr(new PrintWriter(err))
            .execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void writesTheTraceAndPrintsTheSummaryAsJson() throws Exception {
    assumeTrue(Preflight.problems().isEmpty(), () -> "cannot record here: " + Preflight.problems());
    Path out = dir.resolve("busybox.trace");

    Run r =
        run(
            "--image",
            image,
            "--app",
            "cli-app",
            "--grace",
            "0s",
            "--out",
            out.toString(),
            "--json");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.err()).contains("| A", "| B");
    Trace t = TraceFiles.read(out, ReadLimits.defaults());
    assertThat(t.getApp()).isEqualTo("cli-app");
    assertThat(t.getFilesList()).extracting(f -> f.getPath()).contains("/a", "/b", "/bin/busybox");
    assertThat(r.out())
        .startsWith("{\"app\":\"cli-app\"")
        .contains("\"filesRead\":3")
        .contains("\"readiness\":\"exit:0\"")
        .contains("\"out\":\"" + out + "\"");
  }

  @Test
  void failedStartStillWritesAnIncompleteTraceAndExitsNonZero() throws Exception {
    assumeTrue(Preflight.problems().isEmpty(), () -> "cannot record here: " + Preflight.problems());
    Path out = dir.resolve("failed.trace");

    Run r =
        run(
            "--image",
            image,
            "--app",
            "a",
            "--out",
            out.toString(),
            "--",
            "sh",
            "-c",
            "cat /a; exit 7");

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err())
        .contains("the application exited with code 7; partial trace written to " + out);
    assertThat(r.out()).contains("INCOMPLETE");
    assertThat(TraceFiles.read(out, ReadLimits.defaults()).getContext().getIncomplete()).isTrue();
  }

  @Test
  void uploadToAStoppedStoreSpoolsAndFlushDeliversExactlyOnce() throws Exception {
    assumeTrue(Preflight.problems().isEmpty(), () -> "cannot record here: " + Preflight.problems());
    int port;
    try (StoreStub s = StoreStub.start(0)) {
      port = s.port();
    }
    String url = "http://127.0.0.1:" + port;
    Path spool = dir.resolve("spool");

    Run r =
        run(
            "--image",
            image,
            "--app",
            "a",
            "--grace",
            "0s",
            "--upload",
            url,
            "--token",
            "tok",
            "--spool",
            spool.toString());

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.err()).contains("cannot reach the trace store").contains("record-trace flush");
    assertThat(r.out()).contains("spooled to " + spool);
    assertThat(new TraceSpool(spool).list()).hasSize(1);
    byte[] spooled = Files.readAllBytes(new TraceSpool(spool).list().get(0));

    try (StoreStub store = StoreStub.start(port)) {
      Run f1 = run("flush", "--upload", url, "--token", "tok", "--spool", spool.toString());
      Run f2 = run("flush", "--upload", url, "--token", "tok", "--spool", spool.toString());

      assertThat(f1.exit()).as(f1.err()).isZero();
      assertThat(f1.out()).contains("1 trace(s) delivered, 0 still spooled");
      assertThat(f2.out()).contains("0 trace(s) delivered, 0 still spooled");
      assertThat(store.stored).containsExactly(TraceSpool.digestOf(spooled));
    }
    assertThat(TraceFiles.read(spooled, ReadLimits.defaults()).getApp()).isEqualTo("a");
  }
}
