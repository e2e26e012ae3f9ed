package dev.tracefetch.store.trace;

import java.time.Instant;
import java.util.UUID;

/**
 * A trace file as stored, for ranking and merging.
 *
 * @param id trace id
 * @param uploadedAt upload time
 * @param bytes the file exactly as uploaded (header + zstd protobuf)
 */
public record StoredFile(UUID id, Instant uploadedAt, byte[] bytes) {}
