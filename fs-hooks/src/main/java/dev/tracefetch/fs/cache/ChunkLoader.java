package dev.tracefetch.fs.cache;

import dev.tracefetch.oci.image.Digest;
import java.io.IOException;

/**
 * Produces the uncompressed bytes of a chunk the cache does not hold (from a registry, a local
 * layer, ...). The cache verifies the result against the digest, so a loader may return wrong bytes
 * without them ever being stored or served. A loader must bound its own run time.
 */
@FunctionalInterface
public interface ChunkLoader {
  byte[] load(Digest digest) throws IOException;
}
