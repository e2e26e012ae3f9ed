package dev.tracefetch.replayer.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracefetch.replayer.prefetch.PrefetchMode;
import dev.tracefetch.replayer.prefetch.PrefetchSettings;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class PrefetchOptionsTest {
  @Command(name = "t")
  static final class Holder {
    @Mixin PrefetchOptions options = new PrefetchOptions();
  }

  private static PrefetchOptions parse(String... args) {
    Holder h = new Holder();
    new CommandLine(h).parseArgs(args);
    return h.options;
  }

  @Test
  void defaultsAreTheEngineDefaultsAndMetricsAreOff() {
    PrefetchOptions o = parse();
    assertThat(o.settings()).isEqualTo(PrefetchSettings.defaults());
    assertThat(o.mode()).isEqualTo(PrefetchMode.PLAN);
    assertThat(o.metricsAddress()).isNull();
  }

  @Test
  void tuningOptionsReachTheSettings() {
    PrefetchOptions o =
        parse(
            "--prefetch-connections", "3",
            "--prefetch-gap", "1K",
            "--prefetch-max-request", "2M",
            "--bandwidth-limit", "12M",
            "--prefetch", "landmark",
            "--metrics-address", "127.0.0.1:9464");
    assertThat(o.settings())
        .isEqualTo(
            new PrefetchSettings(
                3,
                1024,
                2 << 20,
                12 << 20,
                PrefetchSettings.DEFAULT_MAX_CONSECUTIVE_FAILURES,
                PrefetchSettings.DEFAULT_REQUEST_TIMEOUT));
    assertThat(o.mode()).isEqualTo(PrefetchMode.LANDMARK);
    assertThat(o.metricsAddress()).isEqualTo(new InetSocketAddress("127.0.0.1", 9464));
  }

  @Test
  void badValuesAreUsageErrorsNamingTheValue() {
    assertThatThrownBy(() -> parse("--metrics-address", "nohost"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("nohost");
    assertThatThrownBy(() -> parse("--prefetch", "sometimes"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("sometimes");
    assertThatThrownBy(() -> parse("--prefetch-connections", "0").settings())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("connections");
  }

  @Test
  void portOnlyAddressListensOnLoopback() {
    assertThat(parse("--metrics-address", ":0").metricsAddress().getAddress().isLoopbackAddress())
        .isTrue();
  }
}
