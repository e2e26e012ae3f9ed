package dev.tracefetch.oci.image;

import java.time.Instant;

/**
 * One entry of a config's {@code history}: how a layer (or a metadata-only step) was made. Tools
 * show it, and builders that append a layer must append a matching entry.
 *
 * @param created RFC 3339 time, kept as text because producers write varying precision (may be
 *     null)
 * @param createdBy the command that made the layer (may be null)
 * @param author author (may be null)
 * @param comment comment (may be null)
 * @param emptyLayer true if the step produced no layer (and so no diff_id)
 */
public record HistoryEntry(
    String created, String createdBy, String author, String comment, boolean emptyLayer) {

  /** An entry for a layer made now by {@code createdBy}. */
  public static HistoryEntry forLayer(Instant created, String createdBy, String comment) {
    return new HistoryEntry(created.toString(), createdBy, null, comment, false);
  }
}
