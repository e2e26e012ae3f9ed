package dev.tracefetch.fs.cache;

/**
 * Told about every cache request, so that a replayer can measure how many demand reads its prefetch
 * turned into hits. Called on the reading thread: implementations must be fast and must not block;
 * exceptions they throw are logged and ignored.
 */
@FunctionalInterface
public interface CacheListener {
  void onRequest(CacheEvent event);
}
