package dev.tracefetch.fs.cache;

import dev.tracefetch.oci.image.Digest;
import java.io.IOException;

/**
 * Produces the uncompressed bytes of a chunk the cache does not hold (from a registry, a local
 * layer, ...). Unless the loader says it verifies them itself, the cache checks the result against
 * the digest, so wrong bytes are never stored or served. A loader must bound its own run time.
 */
@FunctionalInterface
public interface ChunkLoader {
  byte[] load(Digest digest) throws IOException;

  /**
   * True if {@link #load} itself checks the bytes against the digest (as the eStargz chunk decoder
   * does) and throws on a mismatch; the cache then does not hash them a second time.
   */
  default boolean verifiesDigest() {
    return false;
  }
}
