package dev.tracefetch.store.catalog;

import java.time.Instant;
import java.util.Optional;

/**
 * One app in the store listing.
 *
 * @param name app name as recorded in its traces
 * @param imageCount images (manifest digests) with traces
 * @param traceCount traces over all images
 * @param lastUploadAt newest upload, empty when every trace was deleted
 */
public record AppOverview(
    String name, int imageCount, int traceCount, Optional<Instant> lastUploadAt) {}
