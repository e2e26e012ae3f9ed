package dev.tracefetch.fs.lazy;

import dev.tracefetch.fs.cache.CacheOutcome;
import dev.tracefetch.fs.cache.ChunkCache;
import dev.tracefetch.fs.cache.ChunkLoader;
import dev.tracefetch.fs.image.ChunkKey;
import dev.tracefetch.oci.image.Digest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The one way chunk bytes are obtained: through the node's {@link ChunkCache}, fetching from a
 * {@link ChunkSource} only on a miss. The filesystem reads through it on demand; a replayer warms
 * the same cache through {@link #prefetch}, so its fetches and the reads they save are counted by
 * the same cache listeners.
 */
public final class ChunkReader {
  private final ChunkSource source;
  private final ChunkCache cache;

  public ChunkReader(ChunkSource source, ChunkCache cache) {
    this.source = Objects.requireNonNull(source, "source");
    this.cache = Objects.requireNonNull(cache, "cache");
  }

  /**
   * The verified bytes of chunk {@code key} (a read-only buffer of exactly {@code key.size()}
   * bytes).
   *
   * @throws IOException if the chunk cannot be fetched, does not match its digest, or has another
   *     size than the index says
   */
  public ByteBuffer read(ChunkKey key) throws IOException {
    ByteBuffer data = cache.get(key.digest(), loader(key));
    if (data.remaining() != key.size()) {
      throw new IOException(
          key + ": the chunk has " + data.remaining() + " bytes but the index says " + key.size());
    }
    return data;
  }

  /** Makes sure chunk {@code key} is in the cache; says whether it had to be fetched. */
  public CacheOutcome prefetch(ChunkKey key) throws IOException {
    return cache.prefetch(key.digest(), loader(key));
  }

  private ChunkLoader loader(ChunkKey key) {
    boolean verifies = source.verifiesDigests();
    return new ChunkLoader() {
      @Override
      public byte[] load(Digest digest) throws IOException {
        return source.read(key);
      }

      @Override
      public boolean verifiesDigest() {
        return verifies;
      }
    };
  }

  public ChunkCache cache() {
    return cache;
  }

  public ChunkSource source() {
    return source;
  }
}
