package dev.tracefetch.builder.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracefetch.builder.plan.PlanSource;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class TraceSourceOptionsTest {
  static TraceSourceOptions options(List<Path> traces, String store, String app) {
    TraceSourceOptions o = new TraceSourceOptions();
    o.traces = new java.util.ArrayList<>(traces);
    o.store = store;
    o.app = app;
    return o;
  }

  @Test
  void exactlyOneSource() {
    assertThatThrownBy(() -> options(List.of(), null, null).source())
        .hasMessageContaining("no traces");
    assertThatThrownBy(() -> options(List.of(Path.of("t")), "http://s", "a").source())
        .hasMessageContaining("not both");
    assertThat(options(List.of(Path.of("t")), null, null).source())
        .isEqualTo(new PlanSource.TraceFiles(List.of(Path.of("t")), null));
    TraceSourceOptions store = options(List.of(), "http://store:8080", "web");
    store.token = "tok";
    assertThat(store.source())
        .isEqualTo(new PlanSource.Store(java.net.URI.create("http://store:8080"), "web", "tok"));
  }

  @Test
  void storeNeedsAnAppAnHttpUrlAndDigests() {
    assertThatThrownBy(() -> options(List.of(), "http://s", null).source())
        .hasMessageContaining("--store needs --app NAME");
    assertThatThrownBy(() -> options(List.of(), "ftp://s", "a").source())
        .hasMessageContaining("must be an http:// or https:// URL");
    TraceSourceOptions o = options(List.of(), "http://s", "a");
    o.recordedOn = List.of("latest");
    assertThatThrownBy(o::source).hasMessageContaining("--recorded-on latest is not a sha256");
    TraceSourceOptions t = options(List.of(Path.of("t")), null, null);
    t.recordedOn = List.of("sha256:" + "a".repeat(64));
    assertThatThrownBy(t::source).hasMessageContaining("--recorded-on is for --store");
  }
}
