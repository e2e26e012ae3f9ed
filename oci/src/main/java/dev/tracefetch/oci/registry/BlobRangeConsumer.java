package dev.tracefetch.oci.registry;

import java.io.IOException;
import java.io.InputStream;

/**
 * Takes the bytes of a blob range while they arrive, so the start of a large range can be used
 * before its end is in (a prefetch request carrying many chunks hands each one on as soon as its
 * bytes are there). If the request is retried after the body broke off, the consumer is called
 * again with the range from its first byte.
 */
@FunctionalInterface
public interface BlobRangeConsumer {
  /**
   * Reads the range from {@code body}; the registry client closes it afterwards.
   *
   * @param body the range's bytes, exactly as many as were asked for unless the blob ends before
   */
  void accept(InputStream body) throws IOException;
}
