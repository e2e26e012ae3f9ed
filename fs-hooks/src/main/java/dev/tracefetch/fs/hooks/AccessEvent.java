package dev.tracefetch.fs.hooks;

import dev.tracefetch.fs.image.ChunkRef;
import dev.tracefetch.fs.ops.Errno;
import java.util.List;
import java.util.Objects;

/**
 * One observed filesystem access: the raw material of a start-up trace.
 *
 * @param timestampNanos {@link System#nanoTime()} when the operation started (monotonic)
 * @param durationNanos how long the operation took
 * @param kind what was done
 * @param path the path as FUSE passed it ({@code /usr/lib/x.so})
 * @param offset file offset of a read, else 0
 * @param length bytes requested by a read, else 0
 * @param result bytes delivered by a read, names returned by a readdir, else 0
 * @param layer layer the node comes from, -1 if unknown or the operation failed
 * @param chunks chunks that served a read (empty for other kinds)
 * @param pid calling process, 0 if unknown
 * @param error the errno the operation failed with, or null on success
 */
public record AccessEvent(
    long timestampNanos,
    long durationNanos,
    AccessKind kind,
    String path,
    long offset,
    long length,
    long result,
    int layer,
    List<ChunkRef> chunks,
    long pid,
    Errno error) {

  public AccessEvent {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(path, "path");
    chunks = List.copyOf(chunks);
  }

  public boolean succeeded() {
    return error == null;
  }
}
