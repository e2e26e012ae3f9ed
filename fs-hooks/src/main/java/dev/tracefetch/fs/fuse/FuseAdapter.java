package dev.tracefetch.fs.fuse;

import com.kenai.jffi.MemoryIO;
import dev.tracefetch.fs.ops.CallContext;
import dev.tracefetch.fs.ops.DirEntry;
import dev.tracefetch.fs.ops.Errno;
import dev.tracefetch.fs.ops.FileAttributes;
import dev.tracefetch.fs.ops.FileHandle;
import dev.tracefetch.fs.ops.FileSystemOperations;
import dev.tracefetch.fs.ops.FsException;
import dev.tracefetch.fs.ops.FsStatistics;
import dev.tracefetch.fs.ops.MutatingOperation;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import ru.serce.jnrfuse.ErrorCodes;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.FuseStubFS;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseContext;
import ru.serce.jnrfuse.struct.FuseFileInfo;
import ru.serce.jnrfuse.struct.Statvfs;
import ru.serce.jnrfuse.struct.Timespec;

/**
 * The thin jnr-fuse layer: translates each libfuse callback into a call on {@link
 * FileSystemOperations} and the answer back into native structs. Every callback goes through one
 * catch ladder ({@link #call}): an {@link FsException} becomes its errno, anything else is logged
 * and becomes {@code EIO}; no exception ever crosses into native code. Writes and metadata changes
 * answer {@code EROFS} (the kernel already refuses most of them on a read-only mount).
 */
final class FuseAdapter extends FuseStubFS {
  private static final System.Logger LOG = System.getLogger(FuseAdapter.class.getName());
  private static final int W_OK = 2;

  private final FileSystemOperations ops;
  private final OpenFileTable openFiles = new OpenFileTable();
  private final CountDownLatch initialized = new CountDownLatch(1);
  private final Supplier<CallContext> context;
  private final ThreadLocal<byte[]> scratch = ThreadLocal.withInitial(() -> new byte[128 * 1024]);

  FuseAdapter(FileSystemOperations ops) {
    this.ops = ops;
    this.context = this::fuseContext;
  }

  /** For tests that drive callbacks without a kernel (no FUSE context there). */
  FuseAdapter(FileSystemOperations ops, Supplier<CallContext> context) {
    this.ops = ops;
    this.context = context;
  }

  CountDownLatch initialized() {
    return initialized;
  }

  OpenFileTable openFiles() {
    return openFiles;
  }

  /**
   * Runs libfuse's mount + multi-threaded loop ({@link JavaThreadLoop}: its workers are Java
   * threads) in the calling thread until the filesystem is unmounted; returns libfuse's exit code.
   * Used instead of jnr-fuse's {@code mount()}, which registers a JVM shutdown hook per mount that
   * keeps the whole filesystem reachable forever (a leak for a node process mounting many images);
   * {@link Mount} tracks live mounts itself.
   */
  int runLoop(Path mountPoint, boolean debug, List<String> options) {
    List<String> args = new ArrayList<>();
    args.add("tracefetch");
    args.add("-f");
    if (debug) {
      args.add("-d");
    }
    args.add(mountPoint.toString());
    args.addAll(options);
    String[] argv = args.toArray(String[]::new);
    return JavaThreadLoop.run(argv, fuseOperations, Thread.currentThread().getName());
  }

  @FunctionalInterface
  private interface Body {
    int run(CallContext ctx) throws FsException;
  }

  /** The one catch ladder every callback goes through. */
  private int call(String op, String path, Body body) {
    try {
      return body.run(context.get());
    } catch (FsException e) {
      // Whoever raised EIO logged the cause with its details; other errnos are normal answers.
      LOG.log(Level.DEBUG, () -> op + " " + path + ": " + e.getMessage());
      return -errno(e.errno());
    } catch (Throwable t) { // never let anything unwind into libfuse
      LOG.log(Level.ERROR, op + " " + path + " failed unexpectedly", t);
      return -ErrorCodes.EIO();
    }
  }

  private CallContext fuseContext() {
    try {
      FuseContext c = getContext();
      return new CallContext(c.pid.longValue(), c.uid.longValue(), c.gid.longValue());
    } catch (RuntimeException e) {
      return CallContext.UNKNOWN;
    }
  }

  static int errno(Errno e) {
    return switch (e) {
      case EPERM -> ErrorCodes.EPERM();
      case ENOENT -> ErrorCodes.ENOENT();
      case EIO -> ErrorCodes.EIO();
      case EBADF -> ErrorCodes.EBADF();
      case EAGAIN -> ErrorCodes.EAGAIN();
      case ENOMEM -> ErrorCodes.ENOMEM();
      case EACCES -> ErrorCodes.EACCES();
      case EBUSY -> ErrorCodes.EBUSY();
      case EEXIST -> ErrorCodes.EEXIST();
      case ENOTDIR -> ErrorCodes.ENOTDIR();
      case EISDIR -> ErrorCodes.EISDIR();
      case EINVAL -> ErrorCodes.EINVAL();
      case ENOSPC -> ErrorCodes.ENOSPC();
      case EROFS -> ErrorCodes.EROFS();
      case ERANGE -> ErrorCodes.ERANGE();
      case ENAMETOOLONG -> ErrorCodes.ENAMETOOLONG();
      case ENOSYS -> ErrorCodes.ENOSYS();
      case ENOTEMPTY -> ErrorCodes.ENOTEMPTY();
      case ELOOP -> ErrorCodes.ELOOP();
      case ENODATA -> ErrorCodes.ENODATA();
      case EOPNOTSUPP -> ErrorCodes.EOPNOTSUPP();
      case ETIMEDOUT -> ErrorCodes.ETIMEDOUT();
    };
  }

  // ---- lifecycle -----------------------------------------------------------------------------

  @Override
  public Pointer init(Pointer conn) {
    initialized.countDown();
    return null;
  }

  // ---- metadata ------------------------------------------------------------------------------

  @Override
  public int getattr(String path, FileStat stat) {
    return call(
        "getattr",
        path,
        ctx -> {
          fill(stat, ops.getattr(path, ctx));
          return 0;
        });
  }

  static void fill(FileStat stat, FileAttributes a) {
    stat.st_ino.set(a.inode());
    stat.st_mode.set(a.stMode());
    stat.st_nlink.set(a.nlink());
    stat.st_uid.set(a.uid());
    stat.st_gid.set(a.gid());
    stat.st_size.set(a.size());
    stat.st_rdev.set(makedev(a.rdevMajor(), a.rdevMinor()));
    stat.st_blksize.set(4096);
    stat.st_blocks.set((a.size() + 511) / 512);
    setTime(stat.st_mtim, a.mtime());
    setTime(stat.st_atim, a.mtime());
    setTime(stat.st_ctim, a.mtime());
  }

  private static void setTime(Timespec t, Instant i) {
    t.tv_sec.set(i.getEpochSecond());
    t.tv_nsec.set(i.getNano());
  }

  /** glibc's {@code makedev}. */
  static long makedev(int major, int minor) {
    long ma = Integer.toUnsignedLong(major);
    long mi = Integer.toUnsignedLong(minor);
    return ((ma & 0xfffff000L) << 32)
        | ((ma & 0xfffL) << 8)
        | ((mi & 0xffffff00L) << 12)
        | (mi & 0xffL);
  }

  @Override
  public int readlink(String path, Pointer buf, long size) {
    return call(
        "readlink",
        path,
        ctx -> {
          byte[] target = ops.readlink(path, ctx).getBytes(StandardCharsets.UTF_8);
          if (size <= 0) {
            return -ErrorCodes.EINVAL();
          }
          int n = (int) Math.min(target.length, size - 1);
          buf.put(0, target, 0, n);
          buf.putByte(n, (byte) 0);
          return 0;
        });
  }

  @Override
  public int readdir(String path, Pointer buf, FuseFillDir filler, long offset, FuseFileInfo fi) {
    return call(
        "readdir",
        path,
        ctx -> {
          List<DirEntry> entries = ops.readdir(path, ctx);
          filler.apply(buf, ".", null, 0);
          filler.apply(buf, "..", null, 0);
          FileStat st = new FileStat(Runtime.getSystemRuntime());
          for (DirEntry e : entries) {
            st.st_ino.set(e.inode());
            st.st_mode.set(e.stMode());
            if (filler.apply(buf, e.name(), st, 0) != 0) {
              return -ErrorCodes.ENOMEM();
            }
          }
          return 0;
        });
  }

  @Override
  public int statfs(String path, Statvfs st) {
    return call(
        "statfs",
        path,
        ctx -> {
          FsStatistics s = ops.statfs(ctx);
          st.f_bsize.set(s.blockSize());
          st.f_frsize.set(s.blockSize());
          st.f_blocks.set(s.totalBlocks());
          st.f_bfree.set(0);
          st.f_bavail.set(0);
          st.f_files.set(s.files());
          st.f_ffree.set(0);
          st.f_favail.set(0);
          st.f_namemax.set(s.maxNameLength());
          return 0;
        });
  }

  @Override
  public int getxattr(String path, String name, Pointer value, long size) {
    return call("getxattr", path, ctx -> copyOut(ops.getxattr(path, name, ctx), value, size));
  }

  @Override
  public int listxattr(String path, Pointer list, long size) {
    return call(
        "listxattr",
        path,
        ctx -> {
          StringBuilder b = new StringBuilder();
          for (String n : ops.listxattr(path, ctx)) {
            b.append(n).append('\0');
          }
          return copyOut(b.toString().getBytes(StandardCharsets.UTF_8), list, size);
        });
  }

  /** The xattr size protocol: size 0 asks for the length, too small a buffer is ERANGE. */
  private static int copyOut(byte[] data, Pointer dst, long size) {
    if (size == 0) {
      return data.length;
    }
    if (size < data.length) {
      return -ErrorCodes.ERANGE();
    }
    dst.put(0, data, 0, data.length);
    return data.length;
  }

  @Override
  public int access(String path, int mask) {
    return call(
        "access",
        path,
        ctx -> {
          ops.getattr(path, ctx);
          return (mask & W_OK) != 0 ? -ErrorCodes.EROFS() : 0;
        });
  }

  // ---- data ----------------------------------------------------------------------------------

  @Override
  public int open(String path, FuseFileInfo fi) {
    return call(
        "open",
        path,
        ctx -> {
          FileHandle h = ops.open(path, fi.flags.get(), ctx);
          fi.fh.set(openFiles.add(h));
          return 0;
        });
  }

  @Override
  public int read(String path, Pointer buf, long size, long offset, FuseFileInfo fi) {
    return call(
        "read",
        path,
        ctx -> {
          FileHandle h = openFiles.get(fi.fh.get());
          if (h == null) {
            return -ErrorCodes.EBADF();
          }
          int length = (int) Math.min(size, Integer.MAX_VALUE);
          return ops.read(h, offset, length, (at, src) -> copy(src, buf, at, length), ctx);
        });
  }

  /**
   * Copies {@code src} to {@code dst + at} once: the chunk cache hands out read-only views, which
   * expose no array, so for the kernel's (native) buffer a direct buffer over its memory is the
   * target of a single bulk copy; only a non-native destination goes through a scratch array.
   */
  void copy(ByteBuffer src, Pointer dst, int at, int dstSize) {
    int len = src.remaining();
    if (at < 0 || at + (long) len > dstSize) {
      throw new IndexOutOfBoundsException(
          "copy of " + len + " bytes to offset " + at + " of a " + dstSize + "-byte read buffer");
    }
    if (src.hasArray()) {
      dst.put(at, src.array(), src.arrayOffset() + src.position(), len);
      return;
    }
    if (dst.isDirect() && len > 0) {
      MemoryIO.getInstance().newDirectByteBuffer(dst.address() + at, len).put(src);
      return;
    }
    byte[] tmp = scratch.get();
    if (tmp.length < len) {
      tmp = new byte[len];
      scratch.set(tmp);
    }
    src.get(tmp, 0, len);
    dst.put(at, tmp, 0, len);
  }

  @Override
  public int release(String path, FuseFileInfo fi) {
    return call(
        "release",
        path,
        ctx -> {
          FileHandle h = openFiles.remove(fi.fh.get());
          if (h != null) {
            ops.release(h, ctx);
          }
          return 0;
        });
  }

  // ---- everything that would change the image ------------------------------------------------

  private int mutate(MutatingOperation op, String path) {
    return call(
        op.name().toLowerCase(java.util.Locale.ROOT),
        path,
        ctx -> {
          ops.mutate(op, path, ctx);
          return -ErrorCodes.EROFS(); // an implementation that "succeeds" still changes nothing
        });
  }

  @Override
  public int write(String path, Pointer buf, long size, long offset, FuseFileInfo fi) {
    return mutate(MutatingOperation.WRITE, path);
  }

  @Override
  public int create(String path, long mode, FuseFileInfo fi) {
    return mutate(MutatingOperation.CREATE, path);
  }

  @Override
  public int mknod(String path, long mode, long rdev) {
    return mutate(MutatingOperation.MKNOD, path);
  }

  @Override
  public int mkdir(String path, long mode) {
    return mutate(MutatingOperation.MKDIR, path);
  }

  @Override
  public int unlink(String path) {
    return mutate(MutatingOperation.UNLINK, path);
  }

  @Override
  public int rmdir(String path) {
    return mutate(MutatingOperation.RMDIR, path);
  }

  @Override
  public int symlink(String oldpath, String newpath) {
    return mutate(MutatingOperation.SYMLINK, newpath);
  }

  @Override
  public int rename(String oldpath, String newpath) {
    return mutate(MutatingOperation.RENAME, oldpath);
  }

  @Override
  public int link(String oldpath, String newpath) {
    return mutate(MutatingOperation.LINK, newpath);
  }

  @Override
  public int chmod(String path, long mode) {
    return mutate(MutatingOperation.CHMOD, path);
  }

  @Override
  public int chown(String path, long uid, long gid) {
    return mutate(MutatingOperation.CHOWN, path);
  }

  @Override
  public int truncate(String path, long size) {
    return mutate(MutatingOperation.TRUNCATE, path);
  }

  @Override
  public int ftruncate(String path, long size, FuseFileInfo fi) {
    return mutate(MutatingOperation.TRUNCATE, path);
  }

  @Override
  public int utimens(String path, Timespec[] timespec) {
    return mutate(MutatingOperation.UTIMENS, path);
  }

  @Override
  public int setxattr(String path, String name, Pointer value, long size, int flags) {
    return mutate(MutatingOperation.SETXATTR, path);
  }

  @Override
  public int removexattr(String path, String name) {
    return mutate(MutatingOperation.REMOVEXATTR, path);
  }

  @Override
  public int fallocate(String path, int mode, long off, long length, FuseFileInfo fi) {
    return mutate(MutatingOperation.FALLOCATE, path);
  }
}
