package dev.tracefetch.store.plan;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;

/**
 * Plan meters: {@code tracestore.ranking.time} (ranking plus merging of one image), {@code
 * tracestore.plan.recomputations}, and {@code tracestore.plan.requests} (count and latency of plan
 * fetches by transport, format and outcome).
 */
@Component
public class PlanMetrics {
  private final MeterRegistry registry;
  private final Timer ranking;
  private final java.util.Map<String, Timer> requestTimers =
      new java.util.concurrent.ConcurrentHashMap<>();

  public PlanMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.ranking =
        Timer.builder("tracestore.ranking.time")
            .description("Time to rank the traces of an image and merge the best into a plan")
            .publishPercentileHistogram()
            .register(registry);
  }

  <T> T timeRanking(Supplier<T> work) {
    return ranking.record(work);
  }

  void recomputed(String outcome) {
    registry.counter("tracestore.plan.recomputations", "outcome", outcome).increment();
  }

  /** Records one plan fetch: {@code transport} rest|grpc, {@code format} protobuf|json. */
  public void request(String transport, String format, String outcome, long nanos) {
    // Looked up once per tag combination: registering on every fetch showed in the profile.
    requestTimers
        .computeIfAbsent(
            transport + '/' + format + '/' + outcome,
            key ->
                Timer.builder("tracestore.plan.requests")
                    .description("Replay plan fetches")
                    .tag("transport", transport)
                    .tag("format", format)
                    .tag("outcome", outcome)
                    .publishPercentileHistogram()
                    .register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
  }
}
