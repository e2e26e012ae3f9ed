package dev.tracefetch.recorder.sandbox;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One running sandbox: the process tree started from a {@link BwrapCommand}, its output forwarded
 * line by line, and a scratch directory that is removed when the sandbox is closed. Stopping sends
 * SIGTERM to every process of the tree (the application sees a normal shutdown request), waits,
 * then SIGKILLs whatever is left, so closing never leaves a process behind.
 */
public final class SandboxProcess implements AutoCloseable {
  private final Process process;
  private final Path scratch;
  private final List<Thread> pumps;

  private SandboxProcess(Process process, Path scratch, List<Thread> pumps) {
    this.process = process;
    this.scratch = scratch;
    this.pumps = pumps;
  }

  /**
   * Starts {@code spec} on an overlay of {@code lower}.
   *
   * @param tempParent where the scratch directory is created
   * @param output receives every line the application writes to stdout or stderr
   */
  public static SandboxProcess start(
      SandboxSpec spec, Path lower, Path tempParent, Consumer<String> output)
      throws SandboxException {
    Path scratch;
    try {
      scratch = Files.createTempDirectory(tempParent, "tracefetch-sandbox-");
    } catch (IOException e) {
      throw new SandboxException("cannot create a scratch directory in " + tempParent, e);
    }
    List<String> argv = BwrapCommand.build(spec, lower, scratch);
    ProcessBuilder pb = new ProcessBuilder(argv);
    pb.environment().clear();
    pb.environment().put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      deleteQuietly(scratch);
      throw new SandboxException(
          "cannot start the sandbox (" + argv.get(0) + "): " + e.getMessage(), e);
    }
    Thread out = pump(p.getInputStream(), output, "sandbox-stdout");
    Thread err = pump(p.getErrorStream(), output, "sandbox-stderr");
    try {
      p.getOutputStream().close();
    } catch (IOException ignored) {
      // stdin is not used
    }
    return new SandboxProcess(p, scratch, List.of(out, err));
  }

  private static Thread pump(InputStream in, Consumer<String> output, String name) {
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  output.accept(line);
                }
              } catch (IOException ignored) {
                // the process is gone
              }
            },
            name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The exit code once the sandbox has exited. */
  public Optional<Integer> exitCode() {
    return process.isAlive() ? Optional.empty() : Optional.of(process.exitValue());
  }

  /** Waits up to {@code timeout} for the sandbox to exit; true if it has. */
  public boolean waitFor(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Waits until every line the application wrote has been forwarded (after exit). */
  public void awaitOutput(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (Thread t : pumps) {
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (left > 0) {
        t.join(left);
      }
    }
  }

  /** SIGTERM to every process of the tree, then SIGKILL after {@code patience}. */
  public void stop(Duration patience) throws InterruptedException {
    if (!process.isAlive()) {
      return;
    }
    List<ProcessHandle> tree = process.descendants().toList();
    for (int i = tree.size() - 1; i >= 0; i--) {
      tree.get(i).destroy();
    }
    if (!process.waitFor(patience.toMillis(), TimeUnit.MILLISECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Override
  public void close() throws InterruptedException {
    try {
      stop(Duration.ofSeconds(5));
    } finally {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
      awaitOutput(Duration.ofSeconds(2));
      deleteQuietly(scratch);
    }
  }

  private static void deleteQuietly(Path dir) {
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException ignored) {
      // best effort: the directory was empty on the host side (tmpfs lived in the namespace)
    }
  }
}
