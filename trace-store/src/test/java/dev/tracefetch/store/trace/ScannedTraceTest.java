package dev.tracefetch.store.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.tracefetch.api.v1.AccessEvent;
import dev.tracefetch.api.v1.ChunkRef;
import dev.tracefetch.api.v1.RecordingContext;
import dev.tracefetch.api.v1.Trace;
import dev.tracefetch.planner.TraceProfile;
import dev.tracefetch.planner.TraceProfileCodec;
import dev.tracefetch.store.error.InvalidInputException;
import dev.tracefetch.store.support.TestTraces;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ScannedTraceTest {

  @Test
  void profileEqualsTheOneExtractedFromTheDecodedTrace() throws Exception {
    for (Trace trace :
        new Trace[] {
          TestTraces.large("web", TestTraces.IMAGE_A, 3, 5_000),
          TestTraces.normal("web", TestTraces.IMAGE_A, 1),
          TestTraces.outlier("web", TestTraces.IMAGE_A, 2)
        }) {
      ScannedTrace scanned = ScannedTrace.scan(trace.toByteArray());
      assertThat(scanned.profile("id-1", 77))
          .isEqualTo(TraceProfileCodec.encode(TraceProfile.of("id-1", trace, 77)));
      assertThat(scanned.eventCount()).isEqualTo(trace.getEventsCount());
    }
  }

  @Test
  void scansThatReuseReleasedBuffersGiveTheSameResults() throws Exception {
    Trace large = TestTraces.large("web", TestTraces.IMAGE_A, 3, 5_000);
    Trace small = TestTraces.outlier("web", TestTraces.IMAGE_A, 2);
    byte[] expectedLarge = TraceProfileCodec.encode(TraceProfile.of("id-1", large, 77));
    byte[] expectedSmall = TraceProfileCodec.encode(TraceProfile.of("id-1", small, 77));
    for (int round = 0; round < 3; round++) {
      // Small after large: the reused arrays hold the large trace's entries beyond the small one's.
      for (Trace trace : new Trace[] {large, small, small, large}) {
        ScannedTrace scanned = ScannedTrace.scan(trace.toByteArray());
        assertThat(scanned.metadata(TestTraces.file(trace)).eventCount())
            .isEqualTo(trace.getEventsCount());
        assertThat(scanned.profile("id-1", 77))
            .isEqualTo(trace == large ? expectedLarge : expectedSmall);
        scanned.release();
        scanned.release(); // a second release must not hand the buffers out twice
      }
    }
    // Two scans alive at once must not share buffers (as they would after a double release).
    ScannedTrace first = ScannedTrace.scan(large.toByteArray());
    ScannedTrace second = ScannedTrace.scan(small.toByteArray());
    assertThat(second.profile("id-1", 77)).isEqualTo(expectedSmall);
    assertThat(first.profile("id-1", 77)).isEqualTo(expectedLarge);
    first.release();
    second.release();
  }

  @Test
  void readsLikeTheGeneratedParserUnknownFieldsAndRepeatedMessagesIncluded() throws Exception {
    Trace trace = TestTraces.normal("web", TestTraces.IMAGE_A, 4);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    out.writeUInt64(99, 12345); // unknown field
    trace.writeTo(out);
    // A second context merges into the first; a later scalar wins.
    out.writeMessage(5, RecordingContext.newBuilder().setHost("other-host").build());
    out.writeString(1, "web2");
    // An event with an unknown field inside, before its chunks.
    out.writeTag(7, 2);
    AccessEvent event =
        AccessEvent.newBuilder()
            .setTimeOffsetMicros(9)
            .setFileIndex(1)
            .addChunks(
                ChunkRef.newBuilder()
                    .setLayerIndex(1)
                    .setCompressedOffset(4096 * 777)
                    .setCompressedLength(4096)
                    .setChunkDigest("sha256:" + "e".repeat(64)))
            .setComm("päthon")
            .build();
    ByteArrayOutputStream eventBytes = new ByteArrayOutputStream();
    CodedOutputStream eventOut = CodedOutputStream.newInstance(eventBytes);
    eventOut.writeFixed32(30, 7);
    event.writeTo(eventOut);
    eventOut.flush();
    out.writeUInt32NoTag(eventBytes.size());
    out.writeRawBytes(eventBytes.toByteArray());
    out.flush();
    byte[] payload = bytes.toByteArray();

    Trace parsed = Trace.parseFrom(payload);
    ScannedTrace scanned = ScannedTrace.scan(payload);
    byte[] file = TestTraces.file(parsed);
    TraceMetadata meta = scanned.metadata(file);
    assertThat(meta.app()).isEqualTo("web2").isEqualTo(parsed.getApp());
    assertThat(meta.host()).isEqualTo("other-host");
    assertThat(meta.readinessReached()).isTrue();
    assertThat(meta.eventCount()).isEqualTo(parsed.getEventsCount());
    assertThat(meta.fileCount()).isEqualTo(parsed.getFilesCount());
    assertThat(scanned.profile("t", 1))
        .isEqualTo(TraceProfileCodec.encode(TraceProfile.of("t", parsed, 1)));
  }

  @Test
  void refusesInvalidUtf8AsTheGeneratedParserDoes() throws Exception {
    Trace trace =
        TestTraces.normal("web", TestTraces.IMAGE_A, 1).toBuilder()
            .addEvents(AccessEvent.newBuilder().setComm("ab"))
            .build();
    byte[] payload = trace.toByteArray();
    // Turn the trailing "ab" into an invalid UTF-8 sequence.
    payload[payload.length - 2] = (byte) 0xC3;
    payload[payload.length - 1] = (byte) 0x28;
    assertThatThrownBy(() -> Trace.parseFrom(payload))
        .isInstanceOf(InvalidProtocolBufferException.class);
    assertThatThrownBy(() -> ScannedTrace.scan(payload))
        .isInstanceOf(InvalidProtocolBufferException.class)
        .hasMessageContaining("UTF-8");
  }

  @Test
  void acceptsExactlyWhatTheGeneratedParserAcceptsUnderCorruption() {
    byte[] good = TestTraces.normal("web", TestTraces.IMAGE_A, 5).toByteArray();
    Random random = new Random(11);
    int refusedByBoth = 0;
    for (int i = 0; i < 2_000; i++) {
      byte[] bad = Arrays.copyOf(good, good.length - (i % 3 == 0 ? random.nextInt(8) : 0));
      for (int k = 0; k < 1 + random.nextInt(3); k++) {
        bad[random.nextInt(bad.length)] = (byte) random.nextInt(256);
      }
      boolean parserAccepts = accepts(() -> Trace.parseFrom(bad));
      boolean scannerAccepts = accepts(() -> ScannedTrace.scan(bad));
      assertThat(scannerAccepts).as("mutation %d", i).isEqualTo(parserAccepts);
      if (!parserAccepts) {
        refusedByBoth++;
      }
    }
    assertThat(refusedByBoth).isGreaterThan(100);
  }

  @Test
  void acceptsExactlyWhatTheGeneratedParserAcceptsForEveryTruncation() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    // Unknown fields of every wire type, and a group, around a real trace.
    out.writeUInt64(99, Long.MIN_VALUE);
    out.writeFixed64(98, 1);
    out.writeFixed32(97, 2);
    out.writeTag(96, 3);
    out.writeString(1, "inside a group");
    out.writeTag(96, 4);
    TestTraces.normal("web", TestTraces.IMAGE_A, 6).writeTo(out);
    out.writeInt32(95, -1);
    out.flush();
    byte[] whole = bytes.toByteArray();
    int refusedByBoth = 0;
    for (int length = 0; length <= whole.length; length++) {
      byte[] prefix = Arrays.copyOf(whole, length);
      boolean parserAccepts = accepts(() -> Trace.parseFrom(prefix));
      assertThat(accepts(() -> ScannedTrace.scan(prefix)))
          .as("prefix of %d bytes", length)
          .isEqualTo(parserAccepts);
      refusedByBoth += parserAccepts ? 0 : 1;
    }
    assertThat(refusedByBoth).isGreaterThan(whole.length / 2);
    assertThat(ScannedTrace.scan(whole).metadata(TestTraces.file(Trace.parseFrom(whole))).app())
        .isEqualTo("web");
  }

  @Test
  void checksLikeTheMessageBasedChecks() {
    Trace good = TestTraces.normal("web", TestTraces.IMAGE_A, 1);
    assertInvalid(
        good.toBuilder().addEvents(AccessEvent.newBuilder().setFileIndex(17)).build(),
        "event 11 refers to file 17 but the trace has 3 files");
    assertInvalid(
        good.toBuilder().addEvents(AccessEvent.newBuilder().setFileIndex(0).setOffset(-1)).build(),
        "event 11 has a negative time offset, offset or length");
    assertInvalid(good.toBuilder().setApp("").build(), "the trace has no app name");
  }

  private static void assertInvalid(Trace trace, String message) {
    assertThatThrownBy(() -> ScannedTrace.scan(trace).metadata(TestTraces.file(trace)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining(message);
  }

  interface Parse {
    Object run() throws Exception;
  }

  private static boolean accepts(Parse parse) {
    try {
      parse.run();
      return true;
    } catch (InvalidProtocolBufferException e) {
      return false;
    } catch (Exception e) {
      throw new AssertionError("unexpected " + e, e);
    }
  }
}
