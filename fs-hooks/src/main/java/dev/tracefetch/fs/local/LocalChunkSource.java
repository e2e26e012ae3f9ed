package dev.tracefetch.fs.local;

import dev.tracefetch.fs.image.ChunkKey;
import dev.tracefetch.fs.lazy.ChunkSource;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Serves chunks of {@link LocalLayer}s from their data files with positional reads. Counts what it
 * served, so tests can check that only the chunks that were read were fetched.
 */
public final class LocalChunkSource implements ChunkSource, Closeable {
  private final Map<Integer, FileChannel> blobs = new HashMap<>();
  private final LongAdder reads = new LongAdder();
  private final LongAdder bytes = new LongAdder();

  public LocalChunkSource(List<LocalLayer> layers) throws IOException {
    try {
      for (LocalLayer l : layers) {
        if (blobs.put(l.index(), FileChannel.open(l.blob(), StandardOpenOption.READ)) != null) {
          throw new IllegalArgumentException("two layers with index " + l.index());
        }
      }
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  @Override
  public byte[] read(ChunkKey key) throws IOException {
    FileChannel ch = blobs.get(key.layer());
    if (ch == null) {
      throw new IOException("no local data for layer " + key.layer() + " (" + key + ")");
    }
    byte[] out = new byte[Math.toIntExact(key.size())];
    ByteBuffer buf = ByteBuffer.wrap(out);
    long pos = key.compressedOffset() + key.innerOffset();
    while (buf.hasRemaining()) {
      int n = ch.read(buf, pos + buf.position());
      if (n < 0) {
        throw new EOFException("layer " + key.layer() + " data ends before " + key);
      }
    }
    reads.increment();
    bytes.add(out.length);
    return out;
  }

  /** Number of chunks served. */
  public long reads() {
    return reads.sum();
  }

  /** Bytes served. */
  public long bytesRead() {
    return bytes.sum();
  }

  @Override
  public void close() throws IOException {
    IOException first = null;
    for (FileChannel ch : blobs.values()) {
      try {
        ch.close();
      } catch (IOException e) {
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
