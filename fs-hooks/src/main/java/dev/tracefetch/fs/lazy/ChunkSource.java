package dev.tracefetch.fs.lazy;

import dev.tracefetch.fs.image.ChunkKey;
import java.io.IOException;

/**
 * Where chunk bytes come from when the cache does not have them: an eStargz layer in a registry
 * (ranged GET + gunzip), a layer file on local disk. Returns the uncompressed chunk; the cache
 * verifies it against {@link ChunkKey#digest()} before anything is served or stored. An
 * implementation must be thread-safe and must give up (throw) within its own timeout rather than
 * block a FUSE thread forever.
 */
@FunctionalInterface
public interface ChunkSource {
  byte[] read(ChunkKey key) throws IOException;
}
