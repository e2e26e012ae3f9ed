package dev.tracefetch.replayer.cli;

import dev.tracefetch.cli.ExitCodes;
import dev.tracefetch.fs.cache.ChunkCache;
import dev.tracefetch.fs.cache.ChunkCacheOptions;
import dev.tracefetch.replayer.control.ControlServer;
import dev.tracefetch.replayer.daemon.DaemonClient;
import dev.tracefetch.replayer.daemon.DaemonService;
import dev.tracefetch.replayer.daemon.NodeDaemon;
import dev.tracefetch.replayer.metrics.MetricsServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code replayer daemon}: the long-running node process that owns the chunk cache and serves
 * mounts on request ({@code replayer mount --daemon}), so a container start costs a request instead
 * of a JVM start. Runs in the foreground; SIGINT/SIGTERM unmount everything and exit 0.
 */
@Command(
    name = "daemon",
    mixinStandardHelpOptions = true,
    description = {
      "Serve lazy mounts on request (replayer mount --daemon) from one long-running process",
      "with one chunk cache, until SIGINT/SIGTERM, which unmounts everything it serves."
    })
final class DaemonCommand implements Callable<Integer> {
  @Option(
      names = "--socket",
      paramLabel = "PATH",
      description = "Socket of the daemon API (default: ${DEFAULT-VALUE}).",
      defaultValue = "/run/tracefetch/replayer.sock")
  Path socket = DaemonClient.DEFAULT_SOCKET;

  @Option(
      names = "--cli-socket",
      paramLabel = "PATH",
      description =
          "Where bin/replayer forwards 'mount --daemon' and 'clear-cache --daemon-socket' so they"
              + " run in this JVM (default: the --socket path with .cli.sock for .sock).")
  Path cliSocket;

  @Option(
      names = "--no-cli-socket",
      description = "Serve no CLI socket: every client command starts its own JVM.")
  boolean noCliSocket;

  @Mixin CacheAndRegistryOptions node = new CacheAndRegistryOptions();

  @Option(
      names = "--metrics-address",
      paramLabel = "HOST:PORT",
      description =
          "Serve Prometheus metrics of all mounts (label mount=MOUNTPOINT) at"
              + " http://HOST:PORT/metrics (default: off).",
      converter = PrefetchOptions.AddressConverter.class)
  InetSocketAddress metricsAddress;

  @Override
  public Integer call() throws Exception {
    ChunkCache cache =
        ChunkCache.open(
            node.cacheDir,
            ChunkCacheOptions.ofDiskLimit(node.cacheSize)
                .withBackgroundStores(ChunkCacheOptions.DEFAULT_BACKGROUND_STORES));
    // From the start, so a SIGTERM while the API socket comes up still ends in a clean exit 0.
    AtomicReference<StopSignals> stop = new AtomicReference<>(StopSignals.install());
    NodeDaemon daemon =
        new NodeDaemon(
            cache,
            node::client,
            System.err,
            () -> {
              StopSignals s = stop.get();
              if (s != null) {
                s.reinstall();
              }
            });
    ControlServer server;
    MetricsServer metrics;
    try {
      server = ControlServer.start(socket, new DaemonService(daemon));
    } catch (Exception e) {
      daemon.close();
      System.err.println("replayer daemon: " + e.getMessage());
      return 1;
    }
    ForwardedCommandServer cli = null;
    if (!noCliSocket) {
      Path path = cliSocket != null ? cliSocket : ForwardedCommandServer.socketFor(server.socket());
      try {
        cli = ForwardedCommandServer.start(path, System.err);
      } catch (IOException e) {
        // The gRPC socket serves every client; without this one they only start slower.
        System.err.println("replayer daemon: no CLI socket: " + e.getMessage());
      }
    }
    try {
      metrics = PrefetchOptions.startMetrics(metricsAddress, daemon::prometheusText, System.err);
    } catch (Exception e) {
      closeQuietly(cli);
      server.close();
      daemon.close();
      throw e;
    }
    System.err.printf(
        "replayer daemon: serving on %s%s with the cache %s%n",
        server.socket(),
        cli == null ? "" : " (CLI socket " + cli.socket() + ")",
        cache.directory());
    while (!stop.get().await(1, TimeUnit.SECONDS)) {
      // Serve until SIGINT/SIGTERM.
    }
    System.err.printf("%s: unmounting everything and exiting%n", stop.get().received());
    try {
      closeQuietly(cli);
      server.close();
    } finally {
      if (metrics != null) {
        metrics.close();
      }
      daemon.close();
    }
    return ExitCodes.OK;
  }

  private static void closeQuietly(ForwardedCommandServer cli) {
    if (cli != null) {
      try {
        cli.close();
      } catch (IOException e) {
        System.err.println("replayer daemon: closing the CLI socket: " + e.getMessage());
      }
    }
  }
}
