package dev.tracefetch.api.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracefetch.api.v1.AccessEvent;
import dev.tracefetch.api.v1.ChunkRef;
import dev.tracefetch.api.v1.FileEntry;
import dev.tracefetch.api.v1.LayerDescriptor;
import dev.tracefetch.api.v1.LayerPlan;
import dev.tracefetch.api.v1.PlannedRange;
import dev.tracefetch.api.v1.ReplayPlan;
import dev.tracefetch.api.v1.Trace;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceFilesTest {

  static Trace sampleTrace(int events) {
    Trace.Builder trace =
        Trace.newBuilder()
            .setApp("web")
            .setImageReference("127.0.0.1:5000/web:1")
            .setManifestDigest("sha256:" + "a".repeat(64))
            .addLayers(
                LayerDescriptor.newBuilder()
                    .setDigest("sha256:" + "b".repeat(64))
                    .setMediaType("application/vnd.oci.image.layer.v1.tar+gzip")
                    .setSize(1234))
            .addFiles(FileEntry.newBuilder().setPath("/bin/sh").setLayerIndex(0).setSize(99));
    for (int i = 0; i < events; i++) {
      trace.addEvents(
          AccessEvent.newBuilder()
              .setTimeOffsetMicros(i * 10L)
              .setKind(AccessEvent.Kind.READ)
              .setFileIndex(0)
              .setOffset(i * 4096L)
              .setLength(4096)
              .addChunks(ChunkRef.newBuilder().setLayerIndex(0).setCompressedOffset(i * 100L)));
    }
    return trace.build();
  }

  @Test
  void traceRoundTripsThroughBytes() throws Exception {
    Trace trace = sampleTrace(1000);
    byte[] bytes = TraceFiles.toBytes(trace);
    assertThat(bytes.length).isLessThan(trace.getSerializedSize());
    assertThat(TraceFiles.read(bytes, ReadLimits.defaults())).isEqualTo(trace);
  }

  @Test
  void replayPlanRoundTripsThroughAFile(@TempDir Path dir) throws Exception {
    ReplayPlan plan =
        ReplayPlan.newBuilder()
            .setManifestDigest("sha256:" + "c".repeat(64))
            .addLayers(
                LayerPlan.newBuilder()
                    .setLayerIndex(0)
                    .addRanges(
                        PlannedRange.newBuilder()
                            .setCompressedOffset(10)
                            .setCompressedLength(20)
                            .setNeededByMicros(5)))
            .build();
    Path file = dir.resolve("plan.replay");
    ReplayFiles.write(plan, file);
    assertThat(ReplayFiles.read(file, ReadLimits.defaults())).isEqualTo(plan);
    try (var listing = Files.list(dir)) {
      assertThat(listing).containsExactly(file);
    }
  }

  @Test
  void rejectsWrongMagic() {
    byte[] bytes = TraceFiles.toBytes(sampleTrace(1));
    bytes[1] = 'X';
    assertThatThrownBy(() -> TraceFiles.read(bytes, ReadLimits.defaults()))
        .isInstanceOf(FileFormatException.class)
        .hasMessageContaining("wrong magic");
  }

  @Test
  void rejectsNewerMajorVersion() {
    byte[] bytes = TraceFiles.toBytes(sampleTrace(1));
    bytes[4] = 2;
    assertThatThrownBy(() -> TraceFiles.read(bytes, ReadLimits.defaults()))
        .isInstanceOf(FileFormatException.class)
        .hasMessageContaining("version 2.0 is newer");
  }

  @Test
  void acceptsNewerMinorVersion() throws Exception {
    byte[] bytes = TraceFiles.toBytes(sampleTrace(3));
    bytes[5] = 7;
    assertThat(TraceFiles.read(bytes, ReadLimits.defaults()).getEventsCount()).isEqualTo(3);
  }

  @Test
  void rejectsTheWrongPayloadKind() {
    byte[] bytes = TraceFiles.toBytes(sampleTrace(1));
    assertThatThrownBy(() -> ReplayFiles.read(bytes, ReadLimits.defaults()))
        .isInstanceOf(FileFormatException.class)
        .hasMessage("expected a replay plan file, got a trace");
  }

  @Test
  void rejectsADeclaredSizeOverTheLimitBeforeAllocating() {
    byte[] bytes = TraceFiles.toBytes(sampleTrace(1));
    ByteBuffer.wrap(bytes).putLong(8, Long.MAX_VALUE / 2);
    assertThatThrownBy(() -> TraceFiles.read(bytes, ReadLimits.defaults()))
        .isInstanceOf(FileFormatException.class)
        .hasMessageContaining("exceeds the limit");
  }

  @Test
  void rejectsPayloadsLargerThanAConfiguredLimit() {
    byte[] bytes = TraceFiles.toBytes(sampleTrace(100));
    assertThatThrownBy(() -> TraceFiles.read(bytes, new ReadLimits(100)))
        .isInstanceOf(FileFormatException.class)
        .hasMessageContaining("limit of 100 bytes");
  }

  @Test
  void rejectsTruncatedFiles() {
    byte[] bytes = TraceFiles.toBytes(sampleTrace(500));
    for (int cut : new int[] {0, 5, FileHeader.SIZE, FileHeader.SIZE + 3, bytes.length - 1}) {
      byte[] truncated = Arrays.copyOf(bytes, cut);
      assertThatThrownBy(() -> TraceFiles.read(truncated, ReadLimits.defaults()))
          .as("cut at %d", cut)
          .isInstanceOf(FileFormatException.class);
    }
  }

  @Test
  void rejectsADeclaredLengthThatDoesNotMatchThePayload() {
    byte[] bytes = TraceFiles.toBytes(sampleTrace(10));
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    long declared = buf.getLong(8);
    buf.putLong(8, declared - 1);
    assertThatThrownBy(() -> TraceFiles.read(bytes, ReadLimits.defaults()))
        .isInstanceOf(FileFormatException.class)
        .hasMessageContaining("longer than the declared length");
    buf.putLong(8, declared + 1);
    assertThatThrownBy(() -> TraceFiles.read(bytes, ReadLimits.defaults()))
        .isInstanceOf(FileFormatException.class)
        .hasMessageContaining("truncated");
  }

  @Test
  void rejectsCorruptProtobufWithTheReason() throws Exception {
    // A well-formed envelope around bytes that are not a Trace message.
    byte[] garbage = new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f};
    var out = new java.io.ByteArrayOutputStream();
    out.write(FileHeader.current(PayloadKind.TRACE, garbage.length).toBytes());
    try (var zstd = new com.github.luben.zstd.ZstdOutputStream(out)) {
      zstd.write(garbage);
    }
    assertThatThrownBy(() -> TraceFiles.read(out.toByteArray(), ReadLimits.defaults()))
        .isInstanceOf(FileFormatException.class)
        .hasMessageContaining("corrupt trace payload");
  }

  @Test
  void contentDigestIsStableAndDistinguishesContent() {
    byte[] a = TraceFiles.toBytes(sampleTrace(2));
    byte[] b = TraceFiles.toBytes(sampleTrace(3));
    assertThat(ContentDigest.of(a))
        .isEqualTo(ContentDigest.of(a.clone()))
        .matches("sha256:[0-9a-f]{64}");
    assertThat(ContentDigest.of(a)).isNotEqualTo(ContentDigest.of(b));
  }

  @Test
  void pathErrorsNameTheFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bad.trace");
    Files.write(file, new byte[] {1, 2, 3});
    assertThatThrownBy(() -> TraceFiles.read(file, ReadLimits.defaults()))
        .isInstanceOf(FileFormatException.class)
        .hasMessageStartingWith(file.toString());
  }

  @Test
  void aLargeDeclaredLengthInFrontOfAFewBytesIsRefusedWithoutAllocatingTheClaim() {
    byte[] bytes = TraceFiles.toBytes(sampleTrace(1));
    long limit = Integer.MAX_VALUE - 8; // the largest limit a reader may configure
    ByteBuffer.wrap(bytes).putLong(8, limit);
    var threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();
    assertThatThrownBy(() -> TraceFiles.read(bytes, new ReadLimits(limit)))
        .isInstanceOf(FileFormatException.class)
        .hasMessageContaining("truncated file: payload has")
        .hasMessageContaining("of " + limit + " declared bytes");
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    assertThat(allocated).as("bytes allocated while refusing").isLessThan(64L << 20);
  }

  @Test
  void thePayloadBufferStartsAtTheDeclaredLengthOnlyWhenTheCompressedBytesCouldHoldIt() {
    assertThat(EnvelopeCodec.initialCapacity(2_000_000, 190_000)).isEqualTo(2_000_000);
    assertThat(EnvelopeCodec.initialCapacity(1_000, 0)).isEqualTo(1_000);
    assertThat(EnvelopeCodec.initialCapacity(Integer.MAX_VALUE - 8, 100)).isEqualTo(64 * 1024);
    assertThat(EnvelopeCodec.initialCapacity(Integer.MAX_VALUE - 8, 1 << 20)).isEqualTo(32 << 20);
  }

  @Test
  void protobufWithAnAbsurdFieldLengthIsRefusedAsCorrupt() throws Exception {
    // field 1 (length-delimited) claiming 2 GiB - 1 bytes, followed by two bytes
    byte[] absurd = {0x0a, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07, 'a', 'b'};
    var out = new java.io.ByteArrayOutputStream();
    out.write(FileHeader.current(PayloadKind.TRACE, absurd.length).toBytes());
    try (var zstd = new com.github.luben.zstd.ZstdOutputStream(out)) {
      zstd.write(absurd);
    }
    assertThatThrownBy(() -> TraceFiles.read(out.toByteArray(), ReadLimits.defaults()))
        .isInstanceOf(FileFormatException.class)
        .hasMessageContaining("corrupt trace payload");
  }
}
