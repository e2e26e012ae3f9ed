package dev.tracefetch.store.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracefetch.api.files.ContentDigest;
import dev.tracefetch.api.v1.AccessEvent;
import dev.tracefetch.api.v1.ChunkRef;
import dev.tracefetch.api.v1.Trace;
import dev.tracefetch.store.error.InvalidInputException;
import dev.tracefetch.store.support.TestTraces;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TraceMetadataTest {
  @Test
  void extractsTheColumnsFromATrace() {
    Trace trace = TestTraces.normal("web", TestTraces.IMAGE_A, 3);
    byte[] file = TestTraces.file(trace);
    TraceMetadata meta = TraceMetadata.of(trace, file);
    assertThat(meta.app()).isEqualTo("web");
    assertThat(meta.manifestDigest()).isEqualTo(TestTraces.IMAGE_A);
    assertThat(meta.contentDigest()).isEqualTo(ContentDigest.of(file));
    assertThat(meta.fileSize()).isEqualTo(file.length);
    assertThat(meta.eventCount()).isEqualTo(trace.getEventsCount());
    assertThat(meta.fileCount()).isEqualTo(3);
    assertThat(meta.readinessReached()).isTrue();
    assertThat(meta.host()).isEqualTo("node-3");
    assertThat(meta.recordedAt()).hasValue(Instant.ofEpochSecond(1_700_000_000L).plusNanos(3_000));
  }

  @Test
  void outlierFactsAreKept() {
    Trace trace = TestTraces.outlier("web", TestTraces.IMAGE_A, 1);
    TraceMetadata meta = TraceMetadata.of(trace, TestTraces.file(trace));
    assertThat(meta.readinessReached()).isFalse();
    assertThat(meta.droppedEvents()).isEqualTo(42);
  }

  @Test
  void rejectsBadNamesAndDigests() {
    Trace good = TestTraces.normal("web", TestTraces.IMAGE_A, 1);
    assertInvalid(good.toBuilder().setApp("").build(), "no app name");
    assertInvalid(good.toBuilder().setApp("web/../x").build(), "web/../x");
    assertInvalid(good.toBuilder().setManifestDigest("").build(), "no image manifest digest");
    assertInvalid(good.toBuilder().setManifestDigest("sha256:abc").build(), "sha256:abc");
    assertInvalid(
        good.toBuilder().setImageReference("x\u0000y").build(), "image_reference contains a NUL");
    assertInvalid(
        good.toBuilder().setImageReference("registry.test/web:1'; DROP TABLE traces; --").build(),
        "image_reference");
    assertInvalid(
        good.toBuilder().setImageReference("../../etc/passwd").build(), "image_reference");
    assertInvalid(
        good.toBuilder().setApp("x'; DROP TABLE traces; --").build(), "x'; DROP TABLE traces; --");
    assertInvalid(good.toBuilder().setApp("%2e%2e").build(), "%2e%2e");
    assertInvalid(good.toBuilder().setApp("..").build(), "'..'");
  }

  @Test
  void rejectsEventsPointingNowhere() {
    Trace good = TestTraces.normal("web", TestTraces.IMAGE_A, 1);
    assertInvalid(
        good.toBuilder().addEvents(AccessEvent.newBuilder().setFileIndex(17)).build(),
        "refers to file 17");
    assertInvalid(
        good.toBuilder()
            .addEvents(
                AccessEvent.newBuilder()
                    .setFileIndex(0)
                    .addChunks(
                        ChunkRef.newBuilder()
                            .setLayerIndex(5)
                            .setCompressedOffset(0)
                            .setCompressedLength(10)))
            .build(),
        "chunk of layer 5");
    assertInvalid(
        good.toBuilder()
            .addEvents(
                AccessEvent.newBuilder()
                    .setFileIndex(0)
                    .addChunks(ChunkRef.newBuilder().setLayerIndex(0).setCompressedLength(0)))
            .build(),
        "non-positive length");
  }

  private static void assertInvalid(Trace trace, String messagePart) {
    assertThatThrownBy(() -> TraceMetadata.of(trace, TestTraces.file(trace)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining(messagePart);
  }
}
