package dev.tracefetch.store.trace;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.stereotype.Component;

/**
 * Upload meters: {@code tracestore.uploads} (by outcome: stored, duplicate, rejected with a
 * reason), {@code tracestore.upload.bytes} and {@code tracestore.upload.duration}.
 */
@Component
public class UploadMetrics {
  /** Why an upload was refused; the {@code reason} tag. */
  public enum Rejection {
    TOO_LARGE,
    MALFORMED,
    INVALID,
    FORBIDDEN,
    UNAUTHENTICATED
  }

  private final MeterRegistry registry;
  private final Counter stored;
  private final Counter duplicates;
  private final DistributionSummary bytes;
  private final Timer duration;

  public UploadMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.stored = uploads("stored", "none");
    this.duplicates = uploads("duplicate", "none");
    this.bytes =
        DistributionSummary.builder("tracestore.upload.bytes")
            .description("Size of accepted trace files")
            .baseUnit("bytes")
            .register(registry);
    this.duration =
        Timer.builder("tracestore.upload.duration")
            .description("Time to parse, validate and store an accepted upload")
            .publishPercentileHistogram()
            .register(registry);
  }

  private Counter uploads(String outcome, String reason) {
    return Counter.builder("tracestore.uploads")
        .description("Trace uploads by outcome")
        .tag("outcome", outcome)
        .tag("reason", reason)
        .register(registry);
  }

  void accepted(boolean duplicate, long fileBytes, long nanos) {
    (duplicate ? duplicates : stored).increment();
    bytes.record(fileBytes);
    duration.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  public void rejected(Rejection reason) {
    uploads("rejected", reason.name().toLowerCase(java.util.Locale.ROOT)).increment();
  }
}
