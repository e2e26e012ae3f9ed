package dev.tracefetch.planner;

/**
 * A stored profile and the chunk digests it left out because the image's {@link ChunkDigestTable}
 * lacked them: the store must keep those with the image, in the same transaction as the profile, or
 * the profile's chunks lose their digests.
 *
 * @param profile the profile bytes ({@link TraceProfileCodec})
 * @param newKeys keys of the chunks whose digests go to the image's table
 * @param newDigests their {@code sha256} digests, 32 bytes each, parallel to {@code newKeys}
 */
public record ExtractedProfile(byte[] profile, long[] newKeys, byte[] newDigests) {
  public ExtractedProfile {
    if (newDigests.length != 32L * newKeys.length) {
      throw new IllegalArgumentException(
          newKeys.length + " new keys but " + newDigests.length + " digest bytes");
    }
  }
}
