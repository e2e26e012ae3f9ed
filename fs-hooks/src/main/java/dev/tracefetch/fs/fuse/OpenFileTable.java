package dev.tracefetch.fs.fuse;

import dev.tracefetch.fs.ops.FileHandle;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Maps the 64-bit file handles FUSE hands back on every read to the open {@link FileHandle}s.
 * Handles are never reused within a mount, so a stale handle can only miss, never hit another file.
 */
final class OpenFileTable {
  private final AtomicLong next = new AtomicLong(1);
  private final ConcurrentHashMap<Long, FileHandle> open = new ConcurrentHashMap<>();

  long add(FileHandle handle) {
    long fh = next.getAndIncrement();
    open.put(fh, handle);
    return fh;
  }

  /** The handle for {@code fh}, or null if it is not open. */
  FileHandle get(long fh) {
    return open.get(fh);
  }

  /** Removes and returns the handle for {@code fh}, or null if it was not open. */
  FileHandle remove(long fh) {
    return open.remove(fh);
  }

  int size() {
    return open.size();
  }
}
