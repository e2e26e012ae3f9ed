package dev.tracefetch.replayer.discovery;

import java.io.IOException;
import java.io.InputStream;

/** Reads small documents (replay files, artifact blobs) with a hard size bound. */
final class BoundedBlobs {
  private BoundedBlobs() {}

  /**
   * All of {@code in}, failing once more than {@code max} bytes arrive.
   *
   * @param what names the content in the error
   */
  static byte[] readAtMost(InputStream in, long max, String what) throws IOException {
    byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
    if (bytes.length > max) {
      throw new IOException(what + " is larger than the limit of " + max + " bytes");
    }
    return bytes;
  }
}
