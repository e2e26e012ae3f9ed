package dev.tracefetch.store.web;

import dev.tracefetch.store.trace.UploadOutcome;

/** Body of an upload answer: 201 for a new trace, 200 with the existing id for a duplicate. */
record UploadResponse(
    String id, String contentDigest, boolean duplicate, String app, String manifestDigest) {
  static UploadResponse of(UploadOutcome outcome) {
    return new UploadResponse(
        outcome.id().toString(),
        outcome.contentDigest(),
        outcome.duplicate(),
        outcome.app(),
        outcome.manifestDigest());
  }
}
