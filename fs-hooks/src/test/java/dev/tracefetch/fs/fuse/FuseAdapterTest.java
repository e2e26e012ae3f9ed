package dev.tracefetch.fs.fuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracefetch.fs.image.ChunkRef;
import dev.tracefetch.fs.ops.CallContext;
import dev.tracefetch.fs.ops.DirEntry;
import dev.tracefetch.fs.ops.Errno;
import dev.tracefetch.fs.ops.FileAttributes;
import dev.tracefetch.fs.ops.FileHandle;
import dev.tracefetch.fs.ops.FileSystemOperations;
import dev.tracefetch.fs.ops.FsException;
import dev.tracefetch.fs.ops.FsStatistics;
import dev.tracefetch.fs.ops.MutatingOperation;
import dev.tracefetch.fs.ops.ReadSink;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import org.junit.jupiter.api.Test;
import ru.serce.jnrfuse.ErrorCodes;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseFileInfo;

/** Drives the adapter's callbacks directly, with native structs but without a kernel. */
class FuseAdapterTest {
  private static final Runtime RT = Runtime.getSystemRuntime();
  private static final CallContext CTX = new CallContext(77, 1, 2);

  private static Pointer memory(int size) {
    Pointer p = RT.getMemoryManager().allocateDirect(size);
    p.setMemory(0, size, (byte) 0);
    return p;
  }

  /** A tiny in-memory filesystem with one file, /f = "hello world", and scripted failures. */
  private static final class FakeOps implements FileSystemOperations {
    final List<String> calls = new ArrayList<>();
    RuntimeException boom;
    Error fatal;

    private void maybeFail() {
      if (boom != null) {
        throw boom;
      }
      if (fatal != null) {
        throw fatal;
      }
    }

    @Override
    public FileAttributes getattr(String path, CallContext ctx) throws FsException {
      maybeFail();
      if (!path.equals("/f")) {
        throw FsException.noEntry(path);
      }
      return new FileAttributes(
          9, 0100644, 2, 1000, 1001, 11, 8, 1, Instant.ofEpochSecond(1_600_000_000, 5), 3);
    }

    @Override
    public List<DirEntry> readdir(String path, CallContext ctx) {
      return List.of(new DirEntry("f", 9, 0100644));
    }

    @Override
    public String readlink(String path, CallContext ctx) {
      return "a-rather-long-target";
    }

    @Override
    public FileHandle open(String path, int flags, CallContext ctx) {
      calls.add("open " + path + " pid " + ctx.pid());
      return new FileHandle() {
        @Override
        public String path() {
          return path;
        }

        @Override
        public long inode() {
          return 9;
        }

        @Override
        public long size() {
          return 11;
        }

        @Override
        public int layer() {
          return 3;
        }

        @Override
        public List<ChunkRef> chunksFor(long offset, long length) {
          return List.of();
        }
      };
    }

    @Override
    public int read(FileHandle h, long offset, int length, ReadSink sink, CallContext ctx) {
      byte[] data = "hello world".getBytes(StandardCharsets.UTF_8);
      int n = (int) Math.max(0, Math.min(length, data.length - offset));
      sink.put(0, ByteBuffer.wrap(data, (int) offset, n).asReadOnlyBuffer());
      return n;
    }

    @Override
    public void release(FileHandle h, CallContext ctx) {
      calls.add("release " + h.path());
    }

    @Override
    public FsStatistics statfs(CallContext ctx) {
      return new FsStatistics(4096, 10, 5, 255);
    }

    @Override
    public byte[] getxattr(String path, String name, CallContext ctx) throws FsException {
      if (name.equals("user.x")) {
        return new byte[] {1, 2, 3, 4};
      }
      throw new FsException(Errno.ENODATA, "none");
    }

    @Override
    public List<String> listxattr(String path, CallContext ctx) {
      return List.of("user.x", "security.capability");
    }

    @Override
    public void mutate(MutatingOperation op, String path, CallContext ctx) throws FsException {
      calls.add(op + " " + path);
      FileSystemOperations.super.mutate(op, path, ctx);
    }
  }

  private final FakeOps ops = new FakeOps();
  private final FuseAdapter adapter = new FuseAdapter(ops, () -> CTX);

  @Test
  void getattrFillsTheStatStruct() {
    FileStat st = FileStat.of(memory(256));
    assertThat(adapter.getattr("/f", st)).isZero();
    assertThat(st.st_ino.longValue()).isEqualTo(9);
    assertThat(st.st_mode.intValue()).isEqualTo(0100644);
    assertThat(st.st_nlink.intValue()).isEqualTo(2);
    assertThat(st.st_uid.longValue()).isEqualTo(1000);
    assertThat(st.st_gid.longValue()).isEqualTo(1001);
    assertThat(st.st_size.longValue()).isEqualTo(11);
    assertThat(st.st_rdev.longValue()).isEqualTo(FuseAdapter.makedev(8, 1));
    assertThat(st.st_mtim.tv_sec.longValue()).isEqualTo(1_600_000_000L);
    assertThat(st.st_mtim.tv_nsec.longValue()).isEqualTo(5);
  }

  @Test
  void makedevMatchesGlibc() {
    assertThat(FuseAdapter.makedev(8, 1)).isEqualTo(2049);
    assertThat(FuseAdapter.makedev(1, 3)).isEqualTo(259);
    // Large numbers use the split encoding: minor bits above 8 go to bits 20+.
    assertThat(FuseAdapter.makedev(259, 0x12345)).isEqualTo((0x123L << 20) | (259 << 8) | 0x45);
  }

  @Test
  void everyFailureBecomesAnErrnoAndNothingEscapes() {
    FileStat st = FileStat.of(memory(256));
    assertThat(adapter.getattr("/missing", st)).isEqualTo(-ErrorCodes.ENOENT());
    ops.boom = new IllegalStateException("bug");
    assertThat(adapter.getattr("/f", st)).isEqualTo(-ErrorCodes.EIO());
    ops.boom = null;
    ops.fatal = new StackOverflowError();
    assertThat(adapter.getattr("/f", st)).isEqualTo(-ErrorCodes.EIO());
  }

  @Test
  void openReadReleaseGoThroughTheOpenFileTable() {
    FuseFileInfo fi = FuseFileInfo.of(memory(128));
    assertThat(adapter.open("/f", fi)).isZero();
    long fh = fi.fh.get();
    assertThat(adapter.openFiles().size()).isEqualTo(1);

    Pointer buf = memory(64);
    assertThat(adapter.read("/f", buf, 5, 6, fi)).isEqualTo(5);
    byte[] got = new byte[5];
    buf.get(0, got, 0, 5);
    assertThat(new String(got, StandardCharsets.UTF_8)).isEqualTo("world");

    assertThat(adapter.release("/f", fi)).isZero();
    assertThat(adapter.openFiles().size()).isZero();
    assertThat(ops.calls).containsExactly("open /f pid 77", "release /f");

    fi.fh.set(fh);
    assertThat(adapter.read("/f", buf, 5, 0, fi)).isEqualTo(-ErrorCodes.EBADF());
  }

  @Test
  void readOnlyBuffersAreCopiedIntoNativeMemoryAtTheirOffset() {
    Pointer buf = memory(16);
    buf.setMemory(0, 16, (byte) 'X');
    ByteBuffer src =
        ByteBuffer.wrap("0123456789".getBytes(StandardCharsets.UTF_8)).asReadOnlyBuffer();
    src.position(2).limit(7); // "23456"
    adapter.copy(src, buf, 3, 16);
    byte[] got = new byte[16];
    buf.get(0, got, 0, 16);
    assertThat(new String(got, StandardCharsets.UTF_8)).isEqualTo("XXX23456XXXXXXXX");
    assertThat(src.remaining()).as("the source is consumed").isZero();

    ByteBuffer tooLong = ByteBuffer.wrap(new byte[10]).asReadOnlyBuffer();
    assertThatThrownBy(() -> adapter.copy(tooLong, buf, 8, 16))
        .isInstanceOf(IndexOutOfBoundsException.class);
    buf.get(0, got, 0, 16);
    assertThat(new String(got, StandardCharsets.UTF_8)).isEqualTo("XXX23456XXXXXXXX");
  }

  @Test
  void xattrsFollowTheSizeProtocol() {
    Pointer buf = memory(64);
    assertThat(adapter.getxattr("/f", "user.x", buf, 0)).isEqualTo(4);
    assertThat(adapter.getxattr("/f", "user.x", buf, 2)).isEqualTo(-ErrorCodes.ERANGE());
    assertThat(adapter.getxattr("/f", "user.x", buf, 64)).isEqualTo(4);
    assertThat(buf.getByte(3)).isEqualTo((byte) 4);
    assertThat(adapter.getxattr("/f", "user.none", buf, 64)).isEqualTo(-ErrorCodes.ENODATA());

    String names = "user.x\0security.capability\0";
    assertThat(adapter.listxattr("/f", buf, 0)).isEqualTo(names.length());
    assertThat(adapter.listxattr("/f", buf, 64)).isEqualTo(names.length());
    byte[] got = new byte[names.length()];
    buf.get(0, got, 0, got.length);
    assertThat(new String(got, StandardCharsets.UTF_8)).isEqualTo(names);
  }

  @Test
  void readlinkTruncatesAndTerminates() {
    Pointer buf = memory(64);
    buf.setMemory(0, 64, (byte) 'X');
    assertThat(adapter.readlink("/l", buf, 9)).isZero();
    assertThat(buf.getString(0)).isEqualTo("a-rather");
  }

  @Test
  void everyChangeAnswersErofs() {
    FuseFileInfo fi = FuseFileInfo.of(memory(128));
    int erofs = -ErrorCodes.EROFS();
    assertThat(adapter.write("/f", memory(8), 8, 0, fi)).isEqualTo(erofs);
    assertThat(adapter.create("/n", 0644, fi)).isEqualTo(erofs);
    assertThat(adapter.mkdir("/d", 0755)).isEqualTo(erofs);
    assertThat(adapter.mknod("/n", 0644, 0)).isEqualTo(erofs);
    assertThat(adapter.unlink("/f")).isEqualTo(erofs);
    assertThat(adapter.rmdir("/d")).isEqualTo(erofs);
    assertThat(adapter.symlink("t", "/s")).isEqualTo(erofs);
    assertThat(adapter.rename("/f", "/g")).isEqualTo(erofs);
    assertThat(adapter.link("/f", "/h")).isEqualTo(erofs);
    assertThat(adapter.chmod("/f", 0777)).isEqualTo(erofs);
    assertThat(adapter.chown("/f", 1, 1)).isEqualTo(erofs);
    assertThat(adapter.truncate("/f", 0)).isEqualTo(erofs);
    assertThat(adapter.ftruncate("/f", 0, fi)).isEqualTo(erofs);
    assertThat(adapter.setxattr("/f", "user.y", memory(1), 1, 0)).isEqualTo(erofs);
    assertThat(adapter.removexattr("/f", "user.x")).isEqualTo(erofs);
    assertThat(adapter.fallocate("/f", 0, 0, 10, fi)).isEqualTo(erofs);
    assertThat(adapter.access("/f", 2)).isEqualTo(erofs);
    assertThat(adapter.access("/f", 4)).isZero();
    assertThat(adapter.access("/missing", 4)).isEqualTo(-ErrorCodes.ENOENT());
    assertThat(ops.calls).hasSize(16).allMatch(c -> c.contains("/"));
  }

  @Test
  void statfsReportsNoFreeSpace() {
    ru.serce.jnrfuse.struct.Statvfs st = ru.serce.jnrfuse.struct.Statvfs.of(memory(256));
    assertThat(adapter.statfs("/", st)).isZero();
    assertThat(st.f_blocks.longValue()).isEqualTo(10);
    assertThat(st.f_bfree.longValue()).isZero();
    assertThat(st.f_files.longValue()).isEqualTo(5);
    assertThat(st.f_namemax.longValue()).isEqualTo(255);
  }

  @Test
  void errnoMappingCoversEveryErrno() {
    for (Errno e : Errno.values()) {
      assertThat(FuseAdapter.errno(e)).as(e.name()).isEqualTo(e.linuxValue());
    }
  }
}
