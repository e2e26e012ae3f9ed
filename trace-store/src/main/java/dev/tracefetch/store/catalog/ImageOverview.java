package dev.tracefetch.store.catalog;

import java.time.Instant;
import java.util.Optional;

/**
 * One image of an app in the store listing.
 *
 * @param manifestDigest the image manifest digest traces were recorded on
 * @param imageReference the reference given by the first trace (e.g. registry/web:1.2)
 * @param traceCount traces recorded on it
 * @param planVersion current replay plan version, empty before the first plan is computed
 * @param lastUploadAt newest upload, empty when every trace was deleted
 */
public record ImageOverview(
    String manifestDigest,
    String imageReference,
    int traceCount,
    Optional<Long> planVersion,
    Optional<Instant> lastUploadAt) {}
