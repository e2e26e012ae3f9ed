package dev.tracefetch.store.web;

import dev.tracefetch.store.catalog.AppOverview;
import java.time.Instant;

/** One app in {@code GET /api/v1/apps}. */
record AppResponse(String name, int imageCount, int traceCount, Instant lastUploadAt) {
  static AppResponse of(AppOverview app) {
    return new AppResponse(
        app.name(), app.imageCount(), app.traceCount(), app.lastUploadAt().orElse(null));
  }
}
