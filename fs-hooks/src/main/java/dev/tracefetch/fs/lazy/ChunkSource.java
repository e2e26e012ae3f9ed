package dev.tracefetch.fs.lazy;

import dev.tracefetch.fs.image.ChunkKey;
import java.io.IOException;

/**
 * Where chunk bytes come from when the cache does not have them: an eStargz layer in a registry
 * (ranged GET + gunzip), a layer file on local disk. Returns the uncompressed chunk, which is
 * checked against {@link ChunkKey#digest()} (by the source or else by the cache) before anything is
 * served or stored. An implementation must be thread-safe and must give up (throw) within its own
 * timeout rather than block a FUSE thread forever.
 */
@FunctionalInterface
public interface ChunkSource {
  byte[] read(ChunkKey key) throws IOException;

  /**
   * True if {@link #read} checks the bytes against {@link ChunkKey#digest()} itself and throws on a
   * mismatch, so the cache need not hash them again (SHA-256 of a 4 MiB chunk costs about as much
   * as decompressing it).
   */
  default boolean verifiesDigests() {
    return false;
  }
}
