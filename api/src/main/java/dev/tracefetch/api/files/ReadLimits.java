package dev.tracefetch.api.files;

/**
 * Bounds applied while reading a file from an untrusted source, so that a hostile or corrupt file
 * costs bounded memory: the declared payload size is checked before anything is allocated.
 *
 * @param maxPayloadBytes largest uncompressed protobuf payload accepted
 */
public record ReadLimits(long maxPayloadBytes) {
  /** 256 MiB: about a hundred times the largest start-up trace we have seen. */
  public static final long DEFAULT_MAX_PAYLOAD_BYTES = 256L << 20;

  public ReadLimits {
    if (maxPayloadBytes <= 0 || maxPayloadBytes > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "maxPayloadBytes must be in 1.." + (Integer.MAX_VALUE - 8) + ", got " + maxPayloadBytes);
    }
  }

  public static ReadLimits defaults() {
    return new ReadLimits(DEFAULT_MAX_PAYLOAD_BYTES);
  }
}
