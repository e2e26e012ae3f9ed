package dev.tracefetch.store.insight;

import java.time.Instant;
import java.util.List;

/**
 * An app as the applications page lists it: its images, how many starts were recorded, and how far
 * replay plans reach.
 *
 * @param lastUploadAt newest upload over all images; null when every trace was deleted
 * @param plannedImages images that have a replay plan
 * @param images newest first
 */
public record AppSummary(
    String name,
    int imageCount,
    int traceCount,
    Instant lastUploadAt,
    int plannedImages,
    List<ImageSummary> images) {

  public AppSummary {
    images = List.copyOf(images);
  }

  /**
   * One image of the app.
   *
   * @param planVersion current plan version; null before the first plan
   * @param planCoverage share of the plan's bytes mapped onto this image (1.0 when its traces were
   *     recorded on it); null without a plan
   */
  public record ImageSummary(
      String manifestDigest,
      String imageReference,
      int traceCount,
      Instant lastUploadAt,
      Long planVersion,
      Double planCoverage) {}
}
