package dev.tracefetch.fs.ops;

import java.util.List;
import java.util.Objects;

/**
 * Passes every operation to a delegate. Decorators extend it and override just the operations they
 * watch or change, so adding an operation to {@link FileSystemOperations} never silently bypasses
 * one.
 */
public abstract class ForwardingFileSystem implements FileSystemOperations {
  private final FileSystemOperations delegate;

  protected ForwardingFileSystem(FileSystemOperations delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  protected FileSystemOperations delegate() {
    return delegate;
  }

  @Override
  public FileAttributes getattr(String path, CallContext ctx) throws FsException {
    return delegate.getattr(path, ctx);
  }

  @Override
  public List<DirEntry> readdir(String path, CallContext ctx) throws FsException {
    return delegate.readdir(path, ctx);
  }

  @Override
  public String readlink(String path, CallContext ctx) throws FsException {
    return delegate.readlink(path, ctx);
  }

  @Override
  public FileHandle open(String path, int flags, CallContext ctx) throws FsException {
    return delegate.open(path, flags, ctx);
  }

  @Override
  public int read(FileHandle handle, long offset, int length, ReadSink sink, CallContext ctx)
      throws FsException {
    return delegate.read(handle, offset, length, sink, ctx);
  }

  @Override
  public void release(FileHandle handle, CallContext ctx) throws FsException {
    delegate.release(handle, ctx);
  }

  @Override
  public FsStatistics statfs(CallContext ctx) throws FsException {
    return delegate.statfs(ctx);
  }

  @Override
  public byte[] getxattr(String path, String name, CallContext ctx) throws FsException {
    return delegate.getxattr(path, name, ctx);
  }

  @Override
  public List<String> listxattr(String path, CallContext ctx) throws FsException {
    return delegate.listxattr(path, ctx);
  }

  @Override
  public void mutate(MutatingOperation operation, String path, CallContext ctx) throws FsException {
    delegate.mutate(operation, path, ctx);
  }
}
