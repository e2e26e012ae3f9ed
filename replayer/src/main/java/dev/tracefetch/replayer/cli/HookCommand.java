package dev.tracefetch.replayer.cli;

import dev.tracefetch.cli.DurationConverter;
import dev.tracefetch.cli.ExitCodes;
import dev.tracefetch.replayer.control.ControlSockets;
import dev.tracefetch.replayer.hook.ContainerState;
import dev.tracefetch.replayer.hook.ReplayHook;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code replayer hook}: the OCI {@code createRuntime} hook. It must never delay or fail a
 * container start, so it always exits 0 and reports problems on stderr; {@code bin/replayer}
 * additionally runs it detached from the runtime (see the README).
 */
@Command(
    name = "hook",
    mixinStandardHelpOptions = true,
    description = {
      "OCI createRuntime hook: reads the container state on stdin and config.json from the",
      "bundle, and asks the replayer serving the container's root file system to start",
      "replaying (app from the dev.tracefetch.app annotation). Always exits 0."
    })
final class HookCommand implements Callable<Integer> {
  @Option(
      names = "--socket-dir",
      paramLabel = "DIR",
      description = "Directory of the replayers' control sockets (default: ${DEFAULT-VALUE}).",
      defaultValue = "/run/tracefetch")
  Path socketDir;

  @Option(
      names = "--control-socket",
      paramLabel = "PATH",
      description = "Use this control socket instead of finding the one for the root file system.")
  Path controlSocket;

  @Option(
      names = "--deadline",
      paramLabel = "DURATION",
      description =
          "Time limit of each control call (default: ${DEFAULT-VALUE}); the launcher runs the"
              + " hook detached, so this never delays the container.",
      defaultValue = "5s",
      converter = DurationConverter.class)
  Duration deadline;

  @Option(names = "--mountinfo", hidden = true, defaultValue = "/proc/self/mountinfo")
  Path mountinfo;

  @Spec CommandSpec spec;

  /** Where the state comes from; tests replace it. */
  InputStream stdin = System.in;

  @Override
  public Integer call() {
    try {
      byte[] state = stdin.readNBytes(ContainerState.MAX_BYTES + 1);
      ReplayHook.Outcome outcome =
          new ReplayHook(
                  new ReplayHook.Settings(
                      socketDir == null ? ControlSockets.DEFAULT_DIR : socketDir,
                      controlSocket,
                      deadline,
                      mountinfo))
              .run(state);
      spec.commandLine().getErr().println("replayer hook: " + outcome.message());
    } catch (Throwable e) { // NOPMD: a hook must not fail the container start, whatever happens
      spec.commandLine().getErr().println("replayer hook: " + e);
    }
    spec.commandLine().getErr().flush();
    return ExitCodes.OK;
  }
}
