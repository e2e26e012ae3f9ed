package dev.tracefetch.replayer.cli;

import dev.tracefetch.api.v1.ReplayerStatus;
import dev.tracefetch.cli.DurationConverter;
import dev.tracefetch.cli.ExitCodes;
import dev.tracefetch.cli.JsonOutput;
import dev.tracefetch.replayer.control.ControlClient;
import dev.tracefetch.replayer.control.ControlException;
import dev.tracefetch.replayer.control.ControlSockets;
import dev.tracefetch.replayer.control.ControlUnavailableException;
import dev.tracefetch.replayer.control.StatusMessages;
import dev.tracefetch.replayer.daemon.DaemonClient;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code replayer stats MOUNTPOINT}: the replay status of one mount, from its control socket (found
 * from the mount point, or through the node daemon when the daemon serves the mount with a control
 * socket elsewhere).
 */
@Command(
    name = "stats",
    mixinStandardHelpOptions = true,
    description = {
      "Show the replay status of MOUNTPOINT: plan source, chunks and bytes prefetched, range",
      "requests, demand-read hit ratio, prefetch precision and recall, and errors."
    })
final class StatsCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "MOUNTPOINT")
  Path mountPoint;

  @Option(names = "--json", description = "Print one JSON object instead of text.")
  boolean json;

  @Option(
      names = "--socket-dir",
      paramLabel = "DIR",
      description = "Directory of the replayers' control sockets (default: ${DEFAULT-VALUE}).",
      defaultValue = "/run/tracefetch")
  Path socketDir;

  @Option(
      names = "--control-socket",
      paramLabel = "PATH",
      description = "Ask this control socket instead of the one of MOUNTPOINT.")
  Path controlSocket;

  @Option(
      names = "--daemon-socket",
      paramLabel = "PATH",
      description =
          "Node daemon to ask for the mount's control socket when there is none in the socket"
              + " directory (default: ${DEFAULT-VALUE}).",
      defaultValue = "/run/tracefetch/replayer.sock")
  Path daemonSocket = DaemonClient.DEFAULT_SOCKET;

  @Option(
      names = "--deadline",
      paramLabel = "DURATION",
      description = "Time limit of the status call (default: ${DEFAULT-VALUE}).",
      defaultValue = "5s",
      converter = DurationConverter.class)
  Duration deadline;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    Path socket =
        controlSocket != null ? controlSocket : ControlSockets.forMountPoint(socketDir, mountPoint);
    if (!Files.exists(socket) && controlSocket == null) {
      socket = fromDaemon().orElse(socket);
    }
    if (!Files.exists(socket)) {
      err.println(
          "replayer stats: no replayer serves "
              + ControlSockets.canonical(mountPoint)
              + " (no control socket at "
              + socket
              + ")");
      return ExitCodes.FAILURE;
    }
    ReplayerStatus status;
    try (ControlClient client = ControlClient.connect(socket)) {
      status = client.status(deadline);
    } catch (ControlUnavailableException e) {
      err.println(
          "replayer stats: no replayer serves "
              + ControlSockets.canonical(mountPoint)
              + ": "
              + e.getMessage());
      return ExitCodes.FAILURE;
    } catch (ControlException e) {
      err.println("replayer stats: " + e.getMessage());
      return ExitCodes.FAILURE;
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      JsonOutput.print(out, toMap(status));
    } else {
      printText(out, status);
    }
    out.flush();
    return ExitCodes.OK;
  }

  /** The control socket the node daemon names for the mount point, if a daemon serves it. */
  private Optional<Path> fromDaemon() {
    if (daemonSocket == null || !Files.exists(daemonSocket)) {
      return Optional.empty();
    }
    String wanted = ControlSockets.canonical(mountPoint).toString();
    try (DaemonClient daemon = DaemonClient.connect(daemonSocket)) {
      for (dev.tracefetch.api.v1.ServedMount m : daemon.mounts(deadline)) {
        if (ControlSockets.canonical(Path.of(m.getMountPoint())).toString().equals(wanted)
            && !m.getControlSocket().isEmpty()) {
          return Optional.of(Path.of(m.getControlSocket()));
        }
      }
    } catch (ControlException e) {
      // No daemon answers: the mount is reported as not served below.
    }
    return Optional.empty();
  }

  /** Prefetch precision as the engine measures it (uncompressed useful over prefetched bytes). */
  static double precision(ReplayerStatus s) {
    return s.getPrecision();
  }

  static Map<String, Object> toMap(ReplayerStatus s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("mountPoint", s.getMountPoint());
    m.put("image", s.getImageReference());
    m.put("manifestDigest", s.getManifestDigest());
    m.put("pid", s.getPid());
    m.put("state", StatusMessages.fromProto(s).state().name());
    m.put("source", s.getSource());
    m.put("discovery", s.getDiscovery());
    m.put("plannedChunks", s.getPlannedChunks());
    m.put("prefetchedChunks", s.getPrefetchedChunks());
    m.put("skippedChunks", s.getSkippedChunks());
    m.put("prefetchedBytes", s.getPrefetchedBytes());
    m.put("requests", s.getRequests());
    m.put("demandHits", s.getDemandHits());
    m.put("demandMisses", s.getDemandMisses());
    m.put("hitRatio", StatusMessages.fromProto(s).hitRatio());
    m.put("usefulPrefetchedBytes", s.getUsefulPrefetchedBytes());
    m.put("precision", precision(s));
    m.put("recall", s.getRecall());
    m.put("errors", s.getErrors());
    m.put("lastError", s.getLastError());
    return m;
  }

  static void printText(PrintWriter out, ReplayerStatus s) {
    row(out, "mount", s.getMountPoint());
    row(out, "image", s.getImageReference() + " (" + s.getManifestDigest() + ")");
    row(out, "replayer", "pid " + s.getPid());
    String state = StatusMessages.fromProto(s).state().name().toLowerCase(Locale.ROOT);
    row(out, "replay", s.getSource().isEmpty() ? state : state + ", plan from " + s.getSource());
    row(out, "discovery", s.getDiscovery());
    row(
        out,
        "chunks",
        String.format(
            Locale.ROOT,
            "%d planned, %d prefetched, %d already cached",
            s.getPlannedChunks(),
            s.getPrefetchedChunks(),
            s.getSkippedChunks()));
    row(
        out,
        "fetched",
        String.format(
            Locale.ROOT,
            "%s in %d range requests",
            bytes(s.getPrefetchedBytes()),
            s.getRequests()));
    row(
        out,
        "demand reads",
        String.format(
            Locale.ROOT,
            "%d from cache, %d fetched (hit ratio %.1f%%)",
            s.getDemandHits(),
            s.getDemandMisses(),
            100 * StatusMessages.fromProto(s).hitRatio()));
    row(
        out,
        "precision",
        String.format(
            Locale.ROOT,
            "%.1f%% (%s of prefetched data read), recall %.1f%%",
            100 * precision(s),
            bytes(s.getUsefulPrefetchedBytes()),
            100 * s.getRecall()));
    row(
        out,
        "errors",
        s.getErrors() + (s.getLastError().isEmpty() ? "" : " (last: " + s.getLastError() + ")"));
  }

  private static void row(PrintWriter out, String label, String value) {
    out.printf(Locale.ROOT, "%-13s %s%n", label, value);
  }

  static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = n;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
