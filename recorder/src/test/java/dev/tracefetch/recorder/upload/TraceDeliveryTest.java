package dev.tracefetch.recorder.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracefetch.recorder.testing.StoreStub;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceDeliveryTest {
  @TempDir Path dir;

  private static byte[] trace(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void uploadToAStoppedStoreSpoolsAndFlushDeliversExactlyOnce() throws Exception {
    int port;
    try (StoreStub probe = StoreStub.start(0)) {
      port = probe.port();
    }
    TraceSpool spool = new TraceSpool(dir.resolve("spool"));
    byte[] bytes = trace("trace one");
    java.net.URI url = java.net.URI.create("http://127.0.0.1:" + port);
    try (TraceUploader up = new TraceUploader(url, "t0k", Duration.ofSeconds(5))) {
      TraceDelivery.Delivery d = new TraceDelivery(up, spool).send(bytes);
      assertThat(d.delivered()).isFalse();
      assertThat(d.error().retryable()).isTrue();
      assertThat(d.error().getMessage()).contains("cannot reach the trace store at " + url);
      assertThat(Files.readAllBytes(d.spooled())).isEqualTo(bytes);
      assertThat(spool.list()).hasSize(1);
    }

    try (StoreStub store = StoreStub.start(port);
        TraceUploader up = new TraceUploader(url, "t0k", Duration.ofSeconds(5))) {
      TraceDelivery delivery = new TraceDelivery(up, spool);
      var first = delivery.flush();
      var second = delivery.flush();

      assertThat(first).singleElement().satisfies(d -> assertThat(d.delivered()).isTrue());
      assertThat(second).isEmpty();
      assertThat(store.stored).containsExactly(TraceSpool.digestOf(bytes));
      assertThat(store.authorizations).containsOnly("Bearer t0k");
      assertThat(spool.list()).isEmpty();
    }
  }

  @Test
  void a5xxSpoolsAndAReSentTraceIsRecognisedAsDuplicate() throws Exception {
    try (StoreStub store = StoreStub.start(0);
        TraceUploader up = new TraceUploader(store.url(), "t", Duration.ofSeconds(5))) {
      TraceSpool spool = new TraceSpool(dir);
      TraceDelivery delivery = new TraceDelivery(up, spool);
      byte[] bytes = trace("trace two");
      assertThat(delivery.send(bytes).delivered()).isTrue();

      store.forcedStatus = () -> 503;
      TraceDelivery.Delivery failed = delivery.send(bytes);
      assertThat(failed.delivered()).isFalse();
      assertThat(failed.error().getMessage()).contains("HTTP 503");
      assertThat(spool.list()).hasSize(1);

      store.forcedStatus = () -> 0;
      var flushed = delivery.flush();
      assertThat(flushed)
          .singleElement()
          .satisfies(d -> assertThat(d.result().duplicate()).isTrue());
      assertThat(store.stored).containsExactly(TraceSpool.digestOf(bytes));
      assertThat(spool.list()).isEmpty();
    }
  }

  @Test
  void aRejectedTraceIsKeptAndReportedAsNotRetryable() throws Exception {
    try (StoreStub store = StoreStub.start(0);
        TraceUploader up = new TraceUploader(store.url(), "wrong", Duration.ofSeconds(5))) {
      store.forcedStatus = () -> 401;
      TraceSpool spool = new TraceSpool(dir);
      TraceDelivery.Delivery d = new TraceDelivery(up, spool).send(trace("three"));
      assertThat(d.delivered()).isFalse();
      assertThat(d.error().retryable()).isFalse();
      assertThat(d.error().getMessage()).contains("HTTP 401");
      assertThat(spool.list()).hasSize(1);
      assertThat(new TraceDelivery(up, spool).flush())
          .singleElement()
          .satisfies(x -> assertThat(x.delivered()).isFalse());
      assertThat(spool.list()).hasSize(1);
    }
  }

  @Test
  void spoolingTheSameTraceTwiceKeepsOneCopyAndNoTemporaryFiles() throws Exception {
    TraceSpool spool = new TraceSpool(dir);
    Path a = spool.put(trace("same"));
    Path b = spool.put(trace("same"));
    assertThat(a).isEqualTo(b);
    try (var s = Files.list(dir)) {
      assertThat(s.toList()).containsExactly(a);
    }
    assertThat(a.getFileName().toString())
        .isEqualTo(TraceSpool.digestOf(trace("same")).substring(7) + ".trace");
  }

  @Test
  void theEndpointIsDerivedFromTheStoreUrl() {
    assertThat(
            new TraceUploader(java.net.URI.create("http://s:8080/"), "t", Duration.ofSeconds(1))
                .endpoint())
        .hasToString("http://s:8080/api/v1/traces");
    assertThat(
            new TraceUploader(
                    java.net.URI.create("http://s:8080/api/v1/traces"), "t", Duration.ofSeconds(1))
                .endpoint())
        .hasToString("http://s:8080/api/v1/traces");
    assertThatThrownBy(
            () -> new TraceUploader(java.net.URI.create("ftp://s/"), "t", Duration.ofSeconds(1)))
        .hasMessageContaining("http(s)://host");
  }
}
