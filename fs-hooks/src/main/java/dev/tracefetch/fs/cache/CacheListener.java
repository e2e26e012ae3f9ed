package dev.tracefetch.fs.cache;

import dev.tracefetch.oci.image.Digest;

/**
 * Told about every cache request, so that a replayer can measure how many demand reads its prefetch
 * turned into hits. Called on the reading thread: implementations must be fast and must not block;
 * exceptions they throw are logged and ignored.
 */
@FunctionalInterface
public interface CacheListener {
  /** A request was answered (or failed). */
  void onRequest(CacheEvent event);

  /**
   * A request found the chunk neither in memory, on disk nor in flight and is about to fetch it
   * (before the fetch, so a prefetcher can reorder its queue around a demand read). Default: no-op.
   */
  default void onFetch(Digest digest, boolean prefetch) {}
}
