package dev.tracefetch.fs.cache;

import dev.tracefetch.oci.image.Digest;

/**
 * What happened to one cache request, for {@link CacheListener}s.
 *
 * @param digest chunk digest
 * @param size chunk size in bytes (0 when a fetch failed)
 * @param outcome hit, fetched, joined or failed
 * @param prefetch true for {@link ChunkCache#prefetch} requests, false for reads
 * @param nanos time the request took
 */
public record CacheEvent(
    Digest digest, long size, CacheOutcome outcome, boolean prefetch, long nanos) {}
