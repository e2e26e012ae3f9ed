package dev.tracefetch.store.trace;

import java.util.UUID;

/**
 * A trace's stored profile ({@code ranking.TraceProfileCodec} bytes), what re-ranking reads instead
 * of the trace file.
 *
 * @param id trace id
 * @param bytes the encoded profile
 */
public record StoredProfile(UUID id, byte[] bytes) {}
