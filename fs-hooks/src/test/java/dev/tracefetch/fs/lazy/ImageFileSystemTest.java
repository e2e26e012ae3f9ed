package dev.tracefetch.fs.lazy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracefetch.fs.cache.ChunkCache;
import dev.tracefetch.fs.cache.ChunkCacheOptions;
import dev.tracefetch.fs.local.LocalImage;
import dev.tracefetch.fs.local.LocalLayerBuilder;
import dev.tracefetch.fs.ops.CallContext;
import dev.tracefetch.fs.ops.DirEntry;
import dev.tracefetch.fs.ops.Errno;
import dev.tracefetch.fs.ops.FileAttributes;
import dev.tracefetch.fs.ops.FileHandle;
import dev.tracefetch.fs.ops.FsException;
import dev.tracefetch.fs.ops.MutatingOperation;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFileSystemTest {
  private static final CallContext CTX = new CallContext(42, 0, 0);
  private static final int CHUNK = 10;

  @TempDir Path tmp;
  private LocalImage image;
  private ChunkCache cache;
  private ImageFileSystem fs;
  private byte[] big;

  @BeforeEach
  void setUp() throws Exception {
    big = new byte[95];
    new Random(7).nextBytes(big);
    LocalLayerBuilder l0 = new LocalLayerBuilder(0, tmp.resolve("l0"), CHUNK);
    l0.dir("etc", 0755)
        .file("etc/hosts", "127.0.0.1 localhost\n".getBytes(StandardCharsets.UTF_8), 0644)
        .file("big", big, 0600, Map.of("user.note", new byte[] {1, 2, 3}))
        .symlink("link", "etc/hosts")
        .file("empty", new byte[0], 0644);
    LocalLayerBuilder l1 = new LocalLayerBuilder(1, tmp.resolve("l1"), CHUNK);
    l1.file("etc/hosts", "::1 localhost\n".getBytes(StandardCharsets.UTF_8), 0644);
    image = LocalImage.of(List.of(l0.build("l0"), l1.build("l1")));
    cache =
        ChunkCache.open(
            tmp.resolve("cache"), ChunkCacheOptions.ofDiskLimit(1 << 20).withMaxMemoryBytes(0));
    fs = new ImageFileSystem(image.tree(), image.source(), cache);
  }

  @AfterEach
  void tearDown() throws Exception {
    image.close();
    cache.close();
  }

  private byte[] read(String path, long offset, int length) throws FsException {
    FileHandle h = fs.open(path, 0, CTX);
    byte[] out = new byte[length];
    int n = fs.read(h, offset, length, (at, src) -> src.get(out, at, src.remaining()), CTX);
    fs.release(h, CTX);
    return Arrays.copyOf(out, n);
  }

  @Test
  void readsAcrossChunkBoundariesAndStopsAtEndOfFile() throws Exception {
    assertThat(read("/big", 0, 95)).isEqualTo(big);
    assertThat(read("/big", 7, 25)).isEqualTo(Arrays.copyOfRange(big, 7, 32));
    assertThat(read("/big", 90, 100)).isEqualTo(Arrays.copyOfRange(big, 90, 95));
    assertThat(read("/big", 95, 10)).isEmpty();
    assertThat(read("/big", 500, 10)).isEmpty();
    assertThat(read("/empty", 0, 10)).isEmpty();
  }

  @Test
  void onlyTheChunksThatAreReadAreFetched() throws Exception {
    read("/big", 42, 3); // inside chunk 4 only
    assertThat(image.source().reads()).isEqualTo(1);
    assertThat(image.source().bytesRead()).isEqualTo(CHUNK);

    read("/big", 45, 10); // chunk 4 again (cached) and chunk 5
    assertThat(image.source().reads()).isEqualTo(2);
  }

  @Test
  void upperLayerContentIsServed() throws Exception {
    assertThat(new String(read("/etc/hosts", 0, 100), StandardCharsets.UTF_8))
        .isEqualTo("::1 localhost\n");
    assertThat(fs.getattr("/etc/hosts", CTX).layer()).isEqualTo(1);
  }

  @Test
  void attributesDescribeTheNode() throws Exception {
    FileAttributes a = fs.getattr("/big", CTX);
    assertThat(a.stMode()).isEqualTo(0100600);
    assertThat(a.size()).isEqualTo(95);
    assertThat(a.nlink()).isEqualTo(1);
    assertThat(fs.getattr("/", CTX).inode()).isEqualTo(1);
    assertThat(fs.getattr("/link", CTX).isSymlink()).isTrue();
    assertThat(fs.getattr("/link", CTX).size()).isEqualTo("etc/hosts".length());
  }

  @Test
  void directoriesListTheirChildren() throws Exception {
    assertThat(fs.readdir("/", CTX))
        .extracting(DirEntry::name)
        .containsExactly("big", "empty", "etc", "link");
    assertThatThrownBy(() -> fs.readdir("/big", CTX))
        .isInstanceOfSatisfying(
            FsException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOTDIR));
  }

  @Test
  void errorsCarryTheRightErrno() {
    assertErrno(() -> fs.getattr("/nope", CTX), Errno.ENOENT);
    assertErrno(() -> fs.readlink("/big", CTX), Errno.EINVAL);
    assertErrno(() -> fs.open("/big", 1, CTX), Errno.EROFS); // O_WRONLY
    assertErrno(() -> fs.open("/big", 2, CTX), Errno.EROFS); // O_RDWR
    assertErrno(() -> fs.open("/big", 01000, CTX), Errno.EROFS); // O_TRUNC
    assertErrno(() -> fs.open("/etc", 0, CTX), Errno.EISDIR);
    assertErrno(() -> fs.getxattr("/big", "user.other", CTX), Errno.ENODATA);
    for (MutatingOperation op : MutatingOperation.values()) {
      assertErrno(
          () -> {
            fs.mutate(op, "/big", CTX);
            return null;
          },
          Errno.EROFS);
    }
  }

  @Test
  void xattrsAreServed() throws Exception {
    assertThat(fs.listxattr("/big", CTX)).containsExactly("user.note");
    assertThat(fs.getxattr("/big", "user.note", CTX)).containsExactly(1, 2, 3);
  }

  @Test
  void corruptLayerDataFailsTheReadWithEioAndServesNothing() throws Exception {
    try (RandomAccessFile raf = new RandomAccessFile(tmp.resolve("l0").toFile(), "rw")) {
      // etc/hosts of layer 0 is 20 bytes (chunks at 0 and 10); big starts at 20.
      raf.seek(20 + 3);
      raf.write(big[3] ^ 0x55);
    }
    boolean[] delivered = {false};
    FileHandle h = fs.open("/big", 0, CTX);
    assertThatThrownBy(() -> fs.read(h, 0, 10, (at, src) -> delivered[0] = true, CTX))
        .isInstanceOfSatisfying(
            FsException.class,
            e -> {
              assertThat(e.errno()).isEqualTo(Errno.EIO);
              assertThat(e.getMessage()).contains("/big").contains("digest mismatch");
            });
    assertThat(delivered[0]).isFalse();
    assertThat(read("/big", 10, 10)).isEqualTo(Arrays.copyOfRange(big, 10, 20));
  }

  @Test
  void identicalChunksOfAnotherImageComeFromTheSharedCache() throws Exception {
    LocalLayerBuilder other = new LocalLayerBuilder(0, tmp.resolve("other"), CHUNK);
    other.file("copy-of-big", big, 0644).file("different", "new".getBytes(), 0644);
    try (LocalImage second = LocalImage.of(List.of(other.build("other")))) {
      ImageFileSystem fs2 = new ImageFileSystem(second.tree(), second.source(), cache);
      read("/big", 0, 95);
      FileHandle h = fs2.open("/copy-of-big", 0, CTX);
      byte[] out = new byte[95];
      fs2.read(h, 0, 95, (at, src) -> src.get(out, at, src.remaining()), CTX);

      assertThat(out).isEqualTo(big);
      assertThat(second.source().reads()).isZero();
    }
  }

  @Test
  void sequentialReadsFetchTheNextChunksAheadAndRandomReadsDoNot() throws Exception {
    ChunkReader reader = new ChunkReader(image.source(), cache);
    try (ChunkReadAhead ahead = new ChunkReadAhead(reader, 2, 1)) {
      ImageFileSystem seqFs = new ImageFileSystem(image.tree(), reader, ahead);
      FileHandle random = seqFs.open("/big", 0, CTX);
      seqFs.read(random, 55, 3, (at, src) -> {}, CTX); // chunk 5, out of the blue
      awaitIdle(ahead);
      assertThat(image.source().reads()).isEqualTo(1);

      FileHandle h = seqFs.open("/big", 0, CTX);
      seqFs.read(h, 0, 5, (at, src) -> {}, CTX); // chunk 0 from the start: chunks 1 and 2 follow
      awaitIdle(ahead);
      var digests = image.tree().lookup("/big").orElseThrow().chunks();
      assertThat(cache.contains(digests.get(1).key().digest())).isTrue();
      assertThat(cache.contains(digests.get(2).key().digest())).isTrue();
      assertThat(cache.contains(digests.get(3).key().digest())).isFalse();
      assertThat(image.source().reads()).isEqualTo(4);

      seqFs.read(h, 5, 10, (at, src) -> {}, CTX); // on into chunk 1: chunk 3 follows
      awaitIdle(ahead);
      assertThat(cache.contains(digests.get(3).key().digest())).isTrue();
      assertThat(image.source().reads()).isEqualTo(5);
    }
  }

  private static void awaitIdle(ChunkReadAhead ahead) {
    while (!ahead.idle()) {
      Thread.yield();
    }
  }

  private static void assertErrno(ThrowingCall call, Errno errno) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(FsException.class, e -> assertThat(e.errno()).isEqualTo(errno));
  }

  @FunctionalInterface
  private interface ThrowingCall {
    Object run() throws Exception;
  }
}
