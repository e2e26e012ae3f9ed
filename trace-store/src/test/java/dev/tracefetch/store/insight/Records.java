package dev.tracefetch.store.insight;

import dev.tracefetch.api.files.TraceFiles;
import dev.tracefetch.api.v1.Trace;
import dev.tracefetch.store.trace.TraceMetadata;
import dev.tracefetch.store.trace.TraceRating;
import dev.tracefetch.store.trace.TraceRecord;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Store records for generated traces, as the repository would return them. */
final class Records {
  static final Instant UPLOADED = Instant.parse("2026-01-02T03:04:05Z");

  private Records() {}

  static TraceRecord unrated(Trace trace) {
    return new TraceRecord(
        UUID.randomUUID(),
        TraceMetadata.of(trace, TraceFiles.toBytes(trace)),
        UPLOADED,
        Optional.empty());
  }

  static TraceRecord rated(Trace trace, double score, String... reasons) {
    return new TraceRecord(
        UUID.randomUUID(),
        TraceMetadata.of(trace, TraceFiles.toBytes(trace)),
        UPLOADED,
        Optional.of(new TraceRating(score, List.of(reasons), true, 3)));
  }
}
