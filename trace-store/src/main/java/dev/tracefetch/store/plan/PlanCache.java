package dev.tracefetch.store.plan;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * The current plan of each image, kept in memory so that a plan fetch costs no database round trip:
 * replaced when this instance computes a new version; after {@code tracestore.plan.cache-ttl} the
 * database is asked for the current version number and the plan is re-read only if it changed.
 */
@Component
class PlanCache {
  private record Key(String app, String manifestDigest) {}

  private record Entry(StoredPlan plan, long loadedAtNanos) {}

  private final Map<Key, Entry> entries = new ConcurrentHashMap<>();
  private final long ttlNanos;

  PlanCache(PlanProperties properties) {
    this.ttlNanos = properties.cacheTtl().toNanos();
  }

  Optional<StoredPlan> get(String app, String manifestDigest) {
    Entry entry = entries.get(new Key(app, manifestDigest));
    if (entry == null || System.nanoTime() - entry.loadedAtNanos() > ttlNanos) {
      return Optional.empty();
    }
    return Optional.of(entry.plan());
  }

  /** The cached plan even when its time is up (to check its version cheaply), if any. */
  Optional<StoredPlan> expired(String app, String manifestDigest) {
    Entry entry = entries.get(new Key(app, manifestDigest));
    return entry == null ? Optional.empty() : Optional.of(entry.plan());
  }

  /** Caches {@code plan} unless a newer version is cached already. */
  void put(StoredPlan plan) {
    entries.merge(
        new Key(plan.app(), plan.manifestDigest()),
        new Entry(plan, System.nanoTime()),
        (old, fresh) -> old.plan().version() > fresh.plan().version() ? old : fresh);
  }

  void evict(String app, String manifestDigest) {
    entries.remove(new Key(app, manifestDigest));
  }
}
