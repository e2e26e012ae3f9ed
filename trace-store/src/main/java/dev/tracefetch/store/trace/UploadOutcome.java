package dev.tracefetch.store.trace;

import java.util.UUID;

/**
 * The answer to an upload.
 *
 * @param id id of the stored trace (the earlier one when {@code duplicate})
 * @param contentDigest sha256 of the uploaded file
 * @param duplicate true when the same file had been uploaded before; nothing new was stored
 * @param app the trace's app
 * @param manifestDigest the trace's image
 */
public record UploadOutcome(
    UUID id, String contentDigest, boolean duplicate, String app, String manifestDigest) {}
