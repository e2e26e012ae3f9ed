package dev.tracefetch.fs.cache;

/** How one cache request was answered. */
public enum CacheOutcome {
  /** Served from the cache (memory or disk) without fetching. */
  HIT,
  /** Not cached; this request ran the loader. */
  FETCHED,
  /** Not cached; another request was already fetching it and this one waited for that fetch. */
  JOINED,
  /** Not cached and the fetch failed (the caller gets an exception). */
  FAILED
}
