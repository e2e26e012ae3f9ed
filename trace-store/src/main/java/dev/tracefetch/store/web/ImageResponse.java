package dev.tracefetch.store.web;

import dev.tracefetch.store.catalog.ImageOverview;
import java.time.Instant;

/** One image in {@code GET /api/v1/apps/{app}/images}; planVersion is null before any plan. */
record ImageResponse(
    String manifestDigest,
    String imageReference,
    int traceCount,
    Long planVersion,
    Instant lastUploadAt) {
  static ImageResponse of(ImageOverview image) {
    return new ImageResponse(
        image.manifestDigest(),
        image.imageReference(),
        image.traceCount(),
        image.planVersion().orElse(null),
        image.lastUploadAt().orElse(null));
  }
}
