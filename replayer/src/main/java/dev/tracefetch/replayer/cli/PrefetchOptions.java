package dev.tracefetch.replayer.cli;

import dev.tracefetch.cli.SizeConverter;
import dev.tracefetch.replayer.metrics.MetricsServer;
import dev.tracefetch.replayer.prefetch.PrefetchMode;
import dev.tracefetch.replayer.prefetch.PrefetchSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * The prefetch options of {@code replayer mount} (and the tuning ones of {@code prefetch-all}): a
 * picocli mixin so the commands that start replays share one spelling and one set of defaults.
 */
public final class PrefetchOptions {
  @Option(
      names = "--prefetch",
      paramLabel = "MODE",
      description =
          "What to prefetch: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}). plan replays"
              + " the plan if there is one; landmark fetches each layer's prioritized files.",
      defaultValue = "plan",
      converter = ModeConverter.class,
      completionCandidates = ModeNames.class)
  PrefetchMode mode = PrefetchMode.PLAN;

  @Option(
      names = "--prefetch-connections",
      paramLabel = "N",
      description = "Parallel prefetch range requests per registry (default: ${DEFAULT-VALUE}).",
      defaultValue = "8")
  int connections = PrefetchSettings.DEFAULT_CONNECTIONS;

  @Option(
      names = "--prefetch-gap",
      paramLabel = "SIZE",
      description =
          "Unplanned bytes fetched to join two planned chunks in one request (default:"
              + " ${DEFAULT-VALUE}).",
      defaultValue = "64K",
      converter = SizeConverter.class)
  long gapBytes = PrefetchSettings.DEFAULT_GAP_BYTES;

  @Option(
      names = "--prefetch-max-request",
      paramLabel = "SIZE",
      description = "Largest coalesced range request (default: ${DEFAULT-VALUE}).",
      defaultValue = "4M",
      converter = SizeConverter.class)
  long maxRequestBytes = PrefetchSettings.DEFAULT_MAX_REQUEST_BYTES;

  @Option(
      names = "--bandwidth-limit",
      paramLabel = "SIZE",
      description = "Cap on prefetch bytes per second, e.g. 12M; 0 = none (default).",
      defaultValue = "0",
      converter = SizeConverter.class)
  long bandwidth;

  @Option(
      names = "--metrics-address",
      paramLabel = "HOST:PORT",
      description = "Serve Prometheus metrics at http://HOST:PORT/metrics (default: off).",
      converter = AddressConverter.class)
  InetSocketAddress metricsAddress;

  public PrefetchSettings settings() {
    return PrefetchSettings.defaults()
        .withConnections(connections)
        .withGapBytes(gapBytes)
        .withMaxRequestBytes(maxRequestBytes)
        .withBandwidth(bandwidth);
  }

  public PrefetchMode mode() {
    return mode;
  }

  public InetSocketAddress metricsAddress() {
    return metricsAddress;
  }

  /**
   * Serves Prometheus metrics at {@code --metrics-address} with {@code body} (one mount's or a
   * daemon's series), or does nothing without that option.
   *
   * @return the metrics server to close, or null
   */
  public MetricsServer startMetrics(java.util.function.Supplier<String> body, PrintStream err)
      throws IOException {
    return startMetrics(metricsAddress, body, err);
  }

  /** As above for an explicit address (null: none). */
  static MetricsServer startMetrics(
      InetSocketAddress address, java.util.function.Supplier<String> body, PrintStream err)
      throws IOException {
    if (address == null) {
      return null;
    }
    MetricsServer server = MetricsServer.start(address, body);
    err.println("metrics at http://" + hostPort(server.address()) + "/metrics");
    return server;
  }

  private static String hostPort(InetSocketAddress a) {
    String host = a.getAddress().getHostAddress();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
  }

  /** Parses {@code HOST:PORT}, {@code [V6]:PORT} or {@code :PORT} (loopback). */
  static final class AddressConverter implements ITypeConverter<InetSocketAddress> {
    @Override
    public InetSocketAddress convert(String value) {
      int colon = value.lastIndexOf(':');
      if (colon < 0) {
        throw new TypeConversionException(
            "invalid address '" + value + "': expected HOST:PORT, e.g. 127.0.0.1:9464");
      }
      String host = value.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      int port;
      try {
        port = Integer.parseInt(value.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new TypeConversionException("invalid port in address '" + value + "'");
      }
      if (port < 0 || port > 65535) {
        throw new TypeConversionException("port out of range in address '" + value + "'");
      }
      return new InetSocketAddress(host.isEmpty() ? "127.0.0.1" : host, port);
    }
  }

  /** Lower-case mode names on the command line. */
  static final class ModeConverter implements ITypeConverter<PrefetchMode> {
    @Override
    public PrefetchMode convert(String value) {
      try {
        return PrefetchMode.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  /** The mode names shown in help. */
  static final class ModeNames extends java.util.ArrayList<String> {
    ModeNames() {
      super(java.util.List.of("plan", "landmark", "all", "none"));
    }
  }
}
