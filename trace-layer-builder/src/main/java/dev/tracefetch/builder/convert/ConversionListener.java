package dev.tracefetch.builder.convert;

/**
 * Hears how a conversion advances, for progress bars and logs. Called from worker threads, so
 * implementations must be thread-safe; they must also be quick, as they run on the transfer path.
 */
public interface ConversionListener {
  /** Does nothing. */
  ConversionListener NONE = new ConversionListener() {};

  /** The source image is known: {@code layers} layers, {@code bytes} bytes of layer blobs. */
  default void started(String source, int layers, long bytes) {}

  /** {@code n} more bytes were downloaded, converted or uploaded. */
  default void bytesTransferred(long n) {}

  /** The work grew by {@code n} bytes (a converted blob's size is known once it is written). */
  default void bytesAdded(long n) {}

  /** A layer is at its destination. */
  default void layerDone(ConvertedLayer layer) {}

  /** Something the user should know that does not stop the conversion. */
  default void warning(String message) {}
}
