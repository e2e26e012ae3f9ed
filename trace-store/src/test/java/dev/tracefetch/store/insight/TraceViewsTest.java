package dev.tracefetch.store.insight;

import static dev.tracefetch.store.support.TestTraces.CHUNK;
import static dev.tracefetch.store.support.TestTraces.IMAGE_A;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracefetch.api.v1.AccessEvent;
import dev.tracefetch.api.v1.ChunkRef;
import dev.tracefetch.api.v1.FileEntry;
import dev.tracefetch.api.v1.Trace;
import dev.tracefetch.store.support.TestTraces;
import dev.tracefetch.store.trace.TraceRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

class TraceViewsTest {

  @Test
  void countsBytesPerLayerAndPerFile() {
    // normal(): ten reads alternating /usr/bin/app (layer 0) and /usr/lib/libapp.so (layer 1),
    // one chunk each, then one read of /etc/app.conf (layer 1) at 50 ms.
    Trace trace = TestTraces.normal("web", IMAGE_A, 7);
    TraceRecord record = Records.rated(trace, 0.9, "reached readiness");

    TraceView view = TraceViews.of(record, trace, 1000);

    assertThat(view.id()).isEqualTo(record.id().toString());
    assertThat(view.app()).isEqualTo("web");
    assertThat(view.score()).isEqualTo(0.9);
    assertThat(view.reasons()).containsExactly("reached readiness");
    assertThat(view.eventCount()).isEqualTo(11);
    assertThat(view.readBytes()).isEqualTo(11 * CHUNK);
    assertThat(view.fetchedBytes()).isEqualTo(11 * CHUNK);
    assertThat(view.layers()).hasSize(2);
    LayerUsage lower = view.layers().get(0);
    assertThat(lower.digest()).isEqualTo("sha256:" + "0".repeat(64));
    assertThat(lower.size()).isEqualTo(10_000_000);
    assertThat(lower.files()).isEqualTo(1);
    assertThat(lower.chunks()).isEqualTo(5);
    assertThat(lower.fetchedBytes()).isEqualTo(5 * CHUNK);
    LayerUsage upper = view.layers().get(1);
    assertThat(upper.files()).isEqualTo(2);
    assertThat(upper.chunks()).isEqualTo(6);
    assertThat(upper.readBytes()).isEqualTo(6 * CHUNK);

    assertThat(view.files())
        .extracting(FileUsage::path)
        .containsExactly("/usr/bin/app", "/usr/lib/libapp.so", "/etc/app.conf");
    FileUsage conf = view.files().get(2);
    assertThat(conf.firstAccessMicros()).isEqualTo(50_007L);
    assertThat(conf.events()).isEqualTo(1);
    assertThat(view.topFilesByFirstAccess()).containsExactly(0, 1, 2);
    // app and libapp both fetched 5 chunks; app came first. app.conf fetched one.
    assertThat(view.topFilesByBytes()).containsExactly(0, 1, 2);

    assertThat(view.readiness().kind()).isEqualTo("tcp");
    assertThat(view.readiness().reached()).isTrue();
    assertThat(view.timeline().eventsTotal()).isEqualTo(11);
    assertThat(view.timeline().events()).hasSize(11);
    assertThat(view.timeline().sampled()).isFalse();
    // Readiness (1.5 s) is later than the last access (50 ms).
    assertThat(view.timeline().spanMicros()).isEqualTo(1_500_000);
    TimelineEvent last = view.timeline().events().get(10);
    assertThat(last.file()).isEqualTo(2);
    assertThat(last.layer()).isEqualTo(1);
    assertThat(last.kind()).isEqualTo("read");
  }

  @Test
  void aChunkReadTwiceCountsOnceAndUntouchedFilesComeLast() {
    Trace trace =
        TestTraces.normal("web", IMAGE_A, 1).toBuilder()
            .addFiles(FileEntry.newBuilder().setPath("/never/read").setLayerIndex(0).setSize(9))
            .addEvents(
                AccessEvent.newBuilder()
                    .setTimeOffsetMicros(60_000)
                    .setKind(AccessEvent.Kind.READ)
                    .setFileIndex(0)
                    .setLength(CHUNK)
                    .addChunks(
                        ChunkRef.newBuilder()
                            .setLayerIndex(0)
                            .setCompressedOffset(0)
                            .setCompressedLength(CHUNK)))
            .build();

    TraceView view = TraceViews.of(Records.unrated(trace), trace, 1000);

    assertThat(view.score()).isNull();
    assertThat(view.reasons()).isEmpty();
    assertThat(view.readBytes()).isEqualTo(12 * CHUNK);
    assertThat(view.fetchedBytes()).isEqualTo(11 * CHUNK);
    assertThat(view.layers().get(0).chunks()).isEqualTo(5);
    FileUsage never = view.files().get(view.files().size() - 1);
    assertThat(never.path()).isEqualTo("/never/read");
    assertThat(never.firstAccessMicros()).isNull();
    assertThat(view.topFilesByFirstAccess()).doesNotContain(never.index());
    assertThat(view.topFilesByBytes()).doesNotContain(never.index());
  }

  @Test
  void largeTracesAreThinnedEvenlyButCountedWhole() {
    Trace trace = TestTraces.large("web", IMAGE_A, 3, 5_000);

    TraceView view = TraceViews.of(Records.unrated(trace), trace, 1_000);

    assertThat(view.timeline().eventsTotal()).isEqualTo(5_000);
    assertThat(view.timeline().events()).hasSize(1_000);
    assertThat(view.timeline().sampled()).isTrue();
    List<TimelineEvent> events = view.timeline().events();
    assertThat(events.get(0).t()).isEqualTo(trace.getEvents(0).getTimeOffsetMicros());
    assertThat(events.get(1).t()).isEqualTo(trace.getEvents(5).getTimeOffsetMicros());
    assertThat(view.eventCount()).isEqualTo(5_000);
    assertThat(view.readBytes()).isEqualTo(5_000 * CHUNK);
    assertThat(view.topFilesByBytes()).hasSize(TraceViews.TOP_FILES);
    assertThat(view.topFilesByFirstAccess()).hasSize(TraceViews.TOP_FILES);
  }

  @Test
  void rejectsANonPositiveTimelineLimit() {
    Trace trace = TestTraces.normal("web", IMAGE_A, 1);
    assertThatThrownBy(() -> TraceViews.of(Records.unrated(trace), trace, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxTimelineEvents");
  }
}
