package dev.tracefetch.fs.ops;

import dev.tracefetch.fs.image.ChunkRef;
import java.util.List;

/**
 * An open regular file, as returned by {@link FileSystemOperations#open}. Reads go to the handle,
 * not the path, so a read never looks the path up again; hooks ask it which chunks a read touches.
 */
public interface FileHandle {
  /** The path it was opened by ({@code /usr/bin/x}). */
  String path();

  long inode();

  long size();

  /** Layer the file's data comes from. */
  int layer();

  /** The chunks that serve {@code [offset, offset + length)}; empty past the end. */
  List<ChunkRef> chunksFor(long offset, long length);
}
