package dev.tracefetch.replayer.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracefetch.fs.cache.CacheEvent;
import dev.tracefetch.fs.cache.CacheOutcome;
import dev.tracefetch.oci.image.Digest;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsServerTest {
  private static final Digest A = Digest.of("a".getBytes());
  private static final Digest B = Digest.of("b".getBytes());

  @Test
  void metricsAreServedInThePrometheusTextFormatWithTheirCurrentValues() throws Exception {
    ReplayMetrics m = new ReplayMetrics();
    m.claimed(A, 1000);
    m.prefetched(1000);
    m.claimed(B, 3000);
    m.prefetched(3000);
    m.request(4096, 2_000_000);
    m.skipped();
    m.error();
    m.demand(new CacheEvent(A, 1000, CacheOutcome.HIT, false, 1));
    m.demand(new CacheEvent(A, 1000, CacheOutcome.HIT, false, 1));
    m.demand(new CacheEvent(Digest.of("c".getBytes()), 10, CacheOutcome.FETCHED, false, 1));
    m.demand(new CacheEvent(B, 3000, CacheOutcome.FETCHED, true, 1)); // readahead, not demand

    try (MetricsServer server =
        MetricsServer.start(
            new InetSocketAddress("127.0.0.1", 0),
            () -> m.prometheusText("/mnt/a\"b", () -> "DONE"))) {
      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + server.address().getPort() + "/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type")).hasValue(MetricsServer.CONTENT_TYPE);
      Map<String, Double> s = PrometheusSamples.parse(r.body());
      String l = "mount=\"/mnt/a\\\"b\"";
      assertThat(s)
          .containsEntry("tracefetch_prefetch_chunks_total{" + l + "}", 2.0)
          .containsEntry("tracefetch_prefetch_bytes_total{" + l + "}", 4096.0)
          .containsEntry("tracefetch_prefetch_requests_total{" + l + "}", 1.0)
          .containsEntry("tracefetch_prefetch_skipped_chunks_total{" + l + "}", 1.0)
          .containsEntry("tracefetch_prefetch_errors_total{" + l + "}", 1.0)
          .containsEntry("tracefetch_demand_reads_total{" + l + ",outcome=\"hit\"}", 2.0)
          .containsEntry("tracefetch_demand_reads_total{" + l + ",outcome=\"fetched\"}", 1.0)
          .containsEntry("tracefetch_prefetch_useful_bytes_total{" + l + "}", 1000.0)
          .containsEntry("tracefetch_prefetch_precision{" + l + "}", 0.25)
          .containsEntry("tracefetch_prefetch_recall{" + l + "}", 0.5)
          .containsEntry("tracefetch_prefetch_request_seconds_count{" + l + "}", 1.0)
          .containsEntry("tracefetch_replay_state{" + l + ",state=\"DONE\"}", 1.0);
      assertThat(s.get("tracefetch_demand_hit_ratio{" + l + "}")).isCloseTo(2.0 / 3, within());
      assertThat(s.get("tracefetch_prefetch_request_seconds_sum{" + l + "}"))
          .isCloseTo(0.002, within());

      HttpResponse<String> other =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + server.address().getPort() + "/x"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(other.statusCode()).isEqualTo(404);
    }
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(1e-4);
  }
}
