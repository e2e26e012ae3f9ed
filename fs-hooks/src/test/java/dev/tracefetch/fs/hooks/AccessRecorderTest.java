package dev.tracefetch.fs.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracefetch.fs.cache.ChunkCache;
import dev.tracefetch.fs.image.ChunkRef;
import dev.tracefetch.fs.lazy.ImageFileSystem;
import dev.tracefetch.fs.local.LocalImage;
import dev.tracefetch.fs.local.LocalLayerBuilder;
import dev.tracefetch.fs.ops.CallContext;
import dev.tracefetch.fs.ops.Errno;
import dev.tracefetch.fs.ops.FileHandle;
import dev.tracefetch.fs.ops.FsException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessRecorderTest {
  private static final CallContext CTX = new CallContext(1234, 0, 0);

  @TempDir Path tmp;
  private LocalImage image;
  private ChunkCache cache;
  private ImageFileSystem fs;
  private final AtomicLong clock = new AtomicLong(1000);

  @BeforeEach
  void setUp() throws Exception {
    LocalLayerBuilder l0 = new LocalLayerBuilder(0, tmp.resolve("l0"), 4);
    l0.file("bin/tool", "0123456789".getBytes(), 0755).symlink("bin/alias", "tool");
    LocalLayerBuilder l1 = new LocalLayerBuilder(1, tmp.resolve("l1"), 4);
    l1.file("etc/conf", "abc".getBytes(), 0644);
    image = LocalImage.of(List.of(l0.build("l0"), l1.build("l1")));
    cache = ChunkCache.open(tmp.resolve("cache"), 1 << 20);
    fs = new ImageFileSystem(image.tree(), image.source(), cache);
  }

  @AfterEach
  void tearDown() throws Exception {
    image.close();
    cache.close();
  }

  private AccessRecorder recorder(int capacity) {
    return new AccessRecorder(fs, capacity, () -> clock.addAndGet(10));
  }

  private static List<AccessEvent> drain(AccessRecorder r) {
    List<AccessEvent> out = new ArrayList<>();
    r.drain(out::add);
    return out;
  }

  @Test
  void recordsEachOperationWithPathPidLayerAndChunks() throws Exception {
    AccessRecorder r = recorder(64);
    r.getattr("/etc/conf", CTX);
    r.readlink("/bin/alias", CTX);
    r.readdir("/bin", CTX);
    FileHandle h = r.open("/bin/tool", 0, CTX);
    byte[] buf = new byte[5];
    assertThat(r.read(h, 3, 5, (at, src) -> src.get(buf, at, src.remaining()), CTX)).isEqualTo(5);
    r.release(h, CTX);

    List<AccessEvent> events = drain(r);
    assertThat(events)
        .extracting(AccessEvent::kind, AccessEvent::path)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(AccessKind.STAT, "/etc/conf"),
            org.assertj.core.groups.Tuple.tuple(AccessKind.READLINK, "/bin/alias"),
            org.assertj.core.groups.Tuple.tuple(AccessKind.READDIR, "/bin"),
            org.assertj.core.groups.Tuple.tuple(AccessKind.OPEN, "/bin/tool"),
            org.assertj.core.groups.Tuple.tuple(AccessKind.READ, "/bin/tool"));
    assertThat(events).allSatisfy(e -> assertThat(e.pid()).isEqualTo(1234));
    assertThat(events).allSatisfy(e -> assertThat(e.succeeded()).isTrue());
    assertThat(events.get(0).layer()).isEqualTo(1);
    assertThat(events.get(2).result()).isEqualTo(2);

    AccessEvent read = events.get(4);
    assertThat(read.offset()).isEqualTo(3);
    assertThat(read.length()).isEqualTo(5);
    assertThat(read.result()).isEqualTo(5);
    assertThat(read.layer()).isEqualTo(0);
    // Bytes 3..7 of a file in 4-byte chunks live in the chunks at file offsets 0 and 4.
    assertThat(read.chunks()).extracting(ChunkRef::fileOffset).containsExactly(0L, 4L);
    assertThat(read.chunks()).allSatisfy(c -> assertThat(c.key().layer()).isZero());
    assertThat(read.timestampNanos()).isGreaterThan(events.get(3).timestampNanos());
    assertThat(read.durationNanos()).isPositive();
  }

  @Test
  void failedOperationsAreRecordedWithTheirErrno() {
    AccessRecorder r = recorder(64);
    assertThatThrownBy(() -> r.getattr("/missing", CTX)).isInstanceOf(FsException.class);
    assertThatThrownBy(() -> r.open("/bin/tool", 1, CTX)).isInstanceOf(FsException.class);

    List<AccessEvent> events = drain(r);
    assertThat(events).extracting(AccessEvent::error).containsExactly(Errno.ENOENT, Errno.EROFS);
    assertThat(events).extracting(AccessEvent::layer).containsOnly(-1);
  }

  @Test
  void overflowDropsAndCountsEventsButNeverFailsTheOperation() throws Exception {
    AccessRecorder r = recorder(4);
    for (int i = 0; i < 10; i++) {
      assertThat(r.getattr("/etc/conf", CTX).size()).isEqualTo(3);
    }
    assertThat(r.dropped()).isEqualTo(6);
    assertThat(drain(r)).hasSize(4);
    assertThat(r.observed()).isEqualTo(10);

    r.getattr("/etc/conf", CTX);
    assertThat(drain(r)).hasSize(1);
  }

  @Test
  void disabledRecorderPassesThroughWithoutEvents() throws Exception {
    AccessRecorder r = recorder(16);
    r.setEnabled(false);
    assertThat(r.getattr("/etc/conf", CTX).size()).isEqualTo(3);
    assertThat(drain(r)).isEmpty();
    assertThat(r.observed()).isZero();
  }
}
