package dev.tracefetch.store.insight;

import static dev.tracefetch.store.support.TestTraces.CHUNK;
import static dev.tracefetch.store.support.TestTraces.IMAGE_A;
import static dev.tracefetch.store.support.TestTraces.IMAGE_B;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tracefetch.api.v1.Trace;
import dev.tracefetch.store.support.TestTraces;
import dev.tracefetch.store.trace.TraceRecord;
import org.junit.jupiter.api.Test;

class TraceComparisonsTest {

  @Test
  void twoNormalStartsShareTheCommonChunksAndDifferInTheirOwn() {
    Trace a = TestTraces.normal("web", IMAGE_A, 1);
    Trace b = TestTraces.normal("web", IMAGE_A, 2);
    TraceRecord ra = Records.rated(a, 1.0, "reached readiness");
    TraceRecord rb = Records.unrated(b);

    TraceComparison c = TraceComparisons.compare(ra, a, rb, b);

    assertThat(c.left().id()).isEqualTo(ra.id().toString());
    assertThat(c.left().score()).isEqualTo(1.0);
    assertThat(c.right().score()).isNull();
    assertThat(c.left().chunks()).isEqualTo(11);
    assertThat(c.commonChunks()).isEqualTo(10);
    assertThat(c.commonBytes()).isEqualTo(10 * CHUNK);
    assertThat(c.commonFiles()).isEqualTo(3);
    assertThat(c.onlyLeft().chunks()).isEqualTo(1);
    assertThat(c.onlyLeft().bytes()).isEqualTo(CHUNK);
    assertThat(c.onlyRight().chunks()).isEqualTo(1);
    // Both read the same three files; only the chunk of app.conf differs.
    assertThat(c.onlyLeft().files()).isZero();
    assertThat(c.onlyLeft().topFiles()).isEmpty();
    assertThat(c.similarity()).isEqualTo(10.0 / 12.0);
    assertThat(c.sameImage()).isTrue();
  }

  @Test
  void anOutlierReadsOtherChunksAndFiles() {
    Trace normal = TestTraces.normal("web", IMAGE_A, 1);
    Trace outlier =
        TestTraces.outlier("web", IMAGE_B, 9).toBuilder()
            .setFiles(
                2,
                TestTraces.normal("web", IMAGE_A, 1).getFiles(2).toBuilder()
                    .setPath("/opt/odd/plugin.so"))
            .build();

    TraceComparison c =
        TraceComparisons.compare(
            Records.unrated(normal), normal, Records.unrated(outlier), outlier);

    assertThat(c.commonChunks()).isZero();
    assertThat(c.similarity()).isZero();
    assertThat(c.sameImage()).isFalse();
    assertThat(c.onlyRight().chunks()).isEqualTo(10);
    assertThat(c.onlyRight().bytes()).isEqualTo(10 * CHUNK);
    assertThat(c.onlyRight().files()).isEqualTo(1);
    TraceComparison.FileDifference odd = c.onlyRight().topFiles().get(0);
    assertThat(odd.path()).isEqualTo("/opt/odd/plugin.so");
    assertThat(odd.bytes()).isEqualTo(10 * CHUNK);
    assertThat(odd.firstAccessMicros()).isZero();
    assertThat(c.onlyLeft().files()).isEqualTo(3);
    assertThat(c.onlyLeft().topFiles())
        .extracting(TraceComparison.FileDifference::path)
        .containsExactly("/usr/bin/app", "/usr/lib/libapp.so", "/etc/app.conf");
  }

  @Test
  void aTraceEqualsItself() {
    Trace a = TestTraces.normal("web", IMAGE_A, 1);
    TraceRecord r = Records.unrated(a);

    TraceComparison c = TraceComparisons.compare(r, a, r, a);

    assertThat(c.similarity()).isEqualTo(1.0);
    assertThat(c.onlyLeft().chunks()).isZero();
    assertThat(c.onlyRight().bytes()).isZero();
    assertThat(c.commonFiles()).isEqualTo(3);
  }
}
