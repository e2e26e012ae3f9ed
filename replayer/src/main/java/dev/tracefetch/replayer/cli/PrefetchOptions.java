package dev.tracefetch.replayer.cli;

import dev.tracefetch.cli.SizeConverter;
import dev.tracefetch.replayer.metrics.CacheMetrics;
import dev.tracefetch.replayer.metrics.MetricsServer;
import dev.tracefetch.replayer.mount.LazyImageMount;
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
  /** What a mount prefetches. */
  public enum Mode {
    /** Replay the plan given (or found); plain lazy loading without one. */
    PLAN,
    /** Each eStargz layer's prioritized files (bytes before the landmark), as stargz does. */
    LANDMARK,
    /** Every chunk of the image. */
    ALL,
    /** Nothing: plain lazy loading. */
    NONE
  }

  @Option(
      names = "--prefetch",
      paramLabel = "MODE",
      description =
          "What to prefetch: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}). plan replays"
              + " the plan if there is one; landmark fetches each layer's prioritized files.",
      defaultValue = "plan",
      converter = ModeConverter.class,
      completionCandidates = ModeNames.class)
  Mode mode = Mode.PLAN;

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

  public Mode mode() {
    return mode;
  }

  public InetSocketAddress metricsAddress() {
    return metricsAddress;
  }

  /**
   * Starts what these options ask for on {@code mount}: the metrics endpoint and the replay. A plan
   * that cannot be read or does not fit the image is reported on {@code err} and the mount stays
   * lazy; only an unusable metrics address is an error.
   *
   * @return the metrics server to close with the mount, or null
   */
  public MetricsServer start(LazyImageMount mount, PrintStream err) throws IOException {
    MetricsServer server = null;
    if (metricsAddress != null) {
      server =
          MetricsServer.start(
              metricsAddress,
              () ->
                  mount
                          .prefetch()
                          .metrics()
                          .prometheusText(
                              mount.mountPoint().toString(),
                              () -> mount.replay().status().state().name())
                      + CacheMetrics.prometheusText(
                          mount.cache().directory().toString(), mount.cache().stats()));
      err.println("metrics at http://" + hostPort(server.address()) + "/metrics");
    }
    try {
      switch (mode) {
        case NONE -> {}
        case LANDMARK -> mount.prefetch().startLandmarks();
        case ALL -> mount.prefetch().startEverything();
        case PLAN -> {
          // The plan is looked for by PlanSourceOptions (--replay, trace layer, referrer, store).
        }
      }
    } catch (IllegalArgumentException e) {
      err.println("replayer: not prefetching (the mount stays lazy): " + e.getMessage());
    }
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
  static final class ModeConverter implements ITypeConverter<Mode> {
    @Override
    public Mode convert(String value) {
      try {
        return Mode.valueOf(value.trim().toUpperCase(java.util.Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(
            "invalid prefetch mode '" + value + "': expected plan, landmark, all or none");
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
