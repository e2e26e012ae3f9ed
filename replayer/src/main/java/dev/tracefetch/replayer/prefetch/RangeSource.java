package dev.tracefetch.replayer.prefetch;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Compressed bytes of an image's layer blobs, one range per call: the engine's only way to the
 * network (a registry in production, a fake in scheduler tests). Must be thread-safe; the engine
 * calls it from several threads at once and relies on it to time out on its own.
 */
@FunctionalInterface
public interface RangeSource {
  /**
   * Bytes {@code [offset, offset+length)} of the blob of layer {@code layer} (0 = lowest), exactly
   * {@code length} of them.
   */
  byte[] read(int layer, long offset, int length) throws IOException;

  /** Takes a range's bytes while they arrive. */
  @FunctionalInterface
  interface Sink {
    void accept(InputStream in) throws IOException;
  }

  /**
   * The same range handed to {@code sink} while it arrives, so the engine can deliver the first
   * chunks of a large request before its end is in; by default read whole first. If the source
   * retries after a broken body, {@code sink} is called again from the range's first byte.
   */
  default void stream(int layer, long offset, int length, Sink sink) throws IOException {
    sink.accept(new ByteArrayInputStream(read(layer, offset, length)));
  }
}
