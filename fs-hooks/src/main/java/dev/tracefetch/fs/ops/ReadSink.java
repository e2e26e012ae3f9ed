package dev.tracefetch.fs.ops;

import java.nio.ByteBuffer;

/**
 * Where {@link FileSystemOperations#read} puts the bytes it serves: the FUSE adapter copies them
 * straight into the kernel's buffer, a test into an array. Decouples the plain-Java operations from
 * native buffer types.
 */
@FunctionalInterface
public interface ReadSink {
  /**
   * Copies all remaining bytes of {@code src} to {@code targetOffset} of the destination (relative
   * to the start of this read). Must not keep a reference to {@code src}.
   */
  void put(int targetOffset, ByteBuffer src);
}
