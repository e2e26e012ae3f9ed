package dev.tracefetch.recorder.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracefetch.api.v1.AccessEvent;
import dev.tracefetch.api.v1.ChunkRef;
import dev.tracefetch.api.v1.FileEntry;
import dev.tracefetch.api.v1.LayerDescriptor;
import dev.tracefetch.api.v1.Readiness;
import dev.tracefetch.api.v1.RecordingContext;
import dev.tracefetch.api.v1.Trace;
import org.junit.jupiter.api.Test;

class TraceSummaryTest {
  private static ChunkRef chunk(int layer, long off, long len) {
    return ChunkRef.newBuilder()
        .setLayerIndex(layer)
        .setCompressedOffset(off)
        .setCompressedLength(len)
        .setChunkDigest("sha256:" + layer + off)
        .build();
  }

  @Test
  void countsFilesBytesChunksAndLayersFromTheTraceAlone() {
    Trace t =
        Trace.newBuilder()
            .setApp("web")
            .setImageReference("r/web:1")
            .setManifestDigest("sha256:m")
            .addLayers(LayerDescriptor.newBuilder().setSize(1000))
            .addLayers(LayerDescriptor.newBuilder().setSize(3000))
            .addFiles(FileEntry.newBuilder().setPath("/bin/app"))
            .addFiles(FileEntry.newBuilder().setPath("/etc/conf"))
            .addFiles(FileEntry.newBuilder().setPath("/etc"))
            .addEvents(AccessEvent.newBuilder().setKind(AccessEvent.Kind.OPEN).setFileIndex(0))
            .addEvents(
                AccessEvent.newBuilder()
                    .setKind(AccessEvent.Kind.READ)
                    .setFileIndex(0)
                    .setLength(4096)
                    .addChunks(chunk(1, 0, 200)))
            .addEvents(
                AccessEvent.newBuilder()
                    .setKind(AccessEvent.Kind.READ)
                    .setFileIndex(0)
                    .setLength(4096)
                    .addChunks(chunk(1, 0, 200))
                    .addChunks(chunk(1, 200, 300)))
            .addEvents(
                AccessEvent.newBuilder()
                    .setKind(AccessEvent.Kind.READ)
                    .setFileIndex(1)
                    .setLength(10)
                    .addChunks(chunk(0, 50, 100)))
            .addEvents(AccessEvent.newBuilder().setKind(AccessEvent.Kind.READDIR).setFileIndex(2))
            .setContext(
                RecordingContext.newBuilder()
                    .setDroppedEvents(2)
                    .setIncomplete(true)
                    .setReadiness(
                        Readiness.newBuilder()
                            .setKind(Readiness.Kind.TCP)
                            .setDetail("8080")
                            .setReached(true)
                            .setTimeToReadyMicros(1_500_000)))
            .build();

    TraceSummary s = TraceSummary.of(t, 10_000);

    assertThat(s.filesTouched()).isEqualTo(3);
    assertThat(s.filesRead()).isEqualTo(2);
    assertThat(s.bytesRead()).isEqualTo(8202);
    assertThat(s.chunks()).isEqualTo(3);
    assertThat(s.chunkCompressedBytes()).isEqualTo(600);
    assertThat(s.imageCompressedBytes()).isEqualTo(4000);
    assertThat(s.layersRead()).isEqualTo(2);
    assertThat(s.readiness()).isEqualTo("tcp:8080");
    assertThat(s.toMap())
        .containsEntry("timeToReadyMillis", 1500.0)
        .containsEntry("droppedEvents", 2L);
    assertThat(s.toText())
        .contains("8.0 KiB of 9.8 KiB in the image's files")
        .contains("3 (600 B to fetch; the image is 3.9 KiB compressed)")
        .contains("INCOMPLETE");
  }
}
