package dev.tracefetch.fs.cache;

/**
 * A snapshot of the cache counters since it was opened.
 *
 * @param hits requests served from memory or disk
 * @param memoryHits the part of {@code hits} served from memory
 * @param fetches requests that ran the loader
 * @param joins requests that waited for another request's fetch
 * @param failures requests whose fetch failed
 * @param corruptEntries disk entries that failed verification and were deleted
 * @param evictions entries removed to stay under the size limit
 * @param storeFailures fetched chunks that could not be written to disk (still served)
 * @param fetchedBytes bytes returned by loaders
 * @param entries entries on disk now
 * @param diskBytes bytes on disk now
 */
public record CacheStats(
    long hits,
    long memoryHits,
    long fetches,
    long joins,
    long failures,
    long corruptEntries,
    long evictions,
    long storeFailures,
    long fetchedBytes,
    long entries,
    long diskBytes) {}
