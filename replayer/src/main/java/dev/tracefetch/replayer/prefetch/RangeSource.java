package dev.tracefetch.replayer.prefetch;

import java.io.IOException;

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
}
