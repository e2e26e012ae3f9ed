package dev.tracefetch.store.plan;

import dev.tracefetch.api.v1.Trace;
import java.time.Instant;
import java.util.UUID;

/**
 * A stored trace, parsed, as ranking and merging see it.
 *
 * @param id trace id
 * @param uploadedAt when the store received it (recency counts in ranking)
 * @param trace the recording
 */
public record LoadedTrace(UUID id, Instant uploadedAt, Trace trace) {}
