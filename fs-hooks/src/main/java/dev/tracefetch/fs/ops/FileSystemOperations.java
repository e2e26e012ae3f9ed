package dev.tracefetch.fs.ops;

import java.util.List;

/**
 * A read-only filesystem as plain Java: what FUSE asks, without any native types. The FUSE adapter
 * only translates calls to this interface; decorators (access recording, fault injection in tests)
 * wrap it through {@link ForwardingFileSystem}. Paths are absolute inside the mount ({@code /},
 * {@code /etc/passwd}). Every method reports failure as an {@link FsException} with an errno;
 * implementations must be thread-safe, FUSE calls them from many threads.
 */
public interface FileSystemOperations {
  /** {@code stat}/{@code lstat}: never follows a symlink. */
  FileAttributes getattr(String path, CallContext ctx) throws FsException;

  /** The names in directory {@code path} (without {@code .} and {@code ..}). */
  List<DirEntry> readdir(String path, CallContext ctx) throws FsException;

  /** The target of symlink {@code path}. */
  String readlink(String path, CallContext ctx) throws FsException;

  /**
   * Opens regular file {@code path}; {@code flags} are the {@code open(2)} flags. Asking for write
   * access fails with {@link Errno#EROFS}.
   */
  FileHandle open(String path, int flags, CallContext ctx) throws FsException;

  /**
   * Reads up to {@code length} bytes at {@code offset} into {@code sink}; returns the number of
   * bytes delivered, short only at end of file.
   */
  int read(FileHandle handle, long offset, int length, ReadSink sink, CallContext ctx)
      throws FsException;

  /** The kernel closed its last reference to {@code handle}. */
  void release(FileHandle handle, CallContext ctx) throws FsException;

  FsStatistics statfs(CallContext ctx) throws FsException;

  /** The value of extended attribute {@code name}; {@link Errno#ENODATA} if absent. */
  byte[] getxattr(String path, String name, CallContext ctx) throws FsException;

  List<String> listxattr(String path, CallContext ctx) throws FsException;

  /**
   * Any change to the image (write, create, chmod, ...). The default answers {@link Errno#EROFS}.
   */
  default void mutate(MutatingOperation operation, String path, CallContext ctx)
      throws FsException {
    throw FsException.readOnly(operation.name().toLowerCase(java.util.Locale.ROOT), path);
  }
}
