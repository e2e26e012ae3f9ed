package dev.tracefetch.store.trace;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * A stored trace without its file.
 *
 * @param id store-assigned id
 * @param metadata what was extracted at upload
 * @param uploadedAt when it was stored
 * @param rating the latest ranking, empty until the image is ranked with this trace
 */
public record TraceRecord(
    UUID id, TraceMetadata metadata, Instant uploadedAt, Optional<TraceRating> rating) {}
