package dev.tracefetch.recorder.session;

import dev.tracefetch.api.v1.Readiness.Kind;
import dev.tracefetch.api.v1.Trace;
import dev.tracefetch.fs.remote.RegistryImageMount;
import dev.tracefetch.oci.image.ImageManifest;
import dev.tracefetch.oci.registry.RegistryClient;
import dev.tracefetch.oci.registry.auth.DockerConfigCredentials;
import dev.tracefetch.recorder.readiness.Readiness;
import dev.tracefetch.recorder.readiness.ReadinessProbe;
import dev.tracefetch.recorder.sandbox.ContainerDefaults;
import dev.tracefetch.recorder.sandbox.ImageAccounts;
import dev.tracefetch.recorder.sandbox.SandboxException;
import dev.tracefetch.recorder.sandbox.SandboxProcess;
import dev.tracefetch.recorder.sandbox.SandboxSpec;
import dev.tracefetch.recorder.trace.ImageInfo;
import dev.tracefetch.recorder.trace.Outcome;
import dev.tracefetch.recorder.trace.ProcessNames;
import dev.tracefetch.recorder.trace.RecordingTap;
import dev.tracefetch.recorder.trace.TraceAssembler;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * One build-time recording, start to finish: mount the image lazily with a cold private cache, run
 * the application in a sandbox on an overlay of the mount, record until readiness plus grace (or
 * the timeout), stop the application, and release everything (sandbox, mount, cache, temporary
 * directories) whatever happens, including Ctrl-C. The trace is returned even when the start
 * failed, marked incomplete, as long as anything was recorded.
 */
public final class RecordingSession {
  private static final long POLL_MILLIS = 20;
  private static final Duration STOP_PATIENCE = Duration.ofSeconds(5);

  private final RecordRequest request;
  private volatile boolean interrupted;
  private final CountDownLatch finished = new CountDownLatch(1);

  public RecordingSession(RecordRequest request) {
    this.request = request;
  }

  /** Asks a running recording to end now (Ctrl-C); it still cleans up and returns its trace. */
  public void interrupt() {
    interrupted = true;
  }

  /** Waits until {@link #run} has released everything; for shutdown hooks. */
  public boolean awaitFinished(Duration timeout) throws InterruptedException {
    return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Runs the recording.
   *
   * @throws RecordingException when the recording could not start at all (unknown image, bad
   *     configuration); nothing was recorded then
   */
  public RecordingResult run() throws RecordingException {
    Path work = null;
    RegistryImageMount mount = null;
    SandboxProcess sandbox = null;
    RecordingTap tap = new RecordingTap();
    try {
      work = Files.createTempDirectory(request.tempParent(), "tracefetch-record-");
      Path cacheDir =
          request.cacheDir() != null
              ? Files.createDirectories(request.cacheDir())
              : Files.createDirectories(work.resolve("cache"));
      Path rootfs = Files.createDirectories(work.resolve("rootfs"));
      RegistryClient client =
          RegistryClient.builder(request.image().registry())
              .insecureRegistries(request.insecureRegistries())
              .credentials(DockerConfigCredentials.loadDefault())
              .build();
      try {
        mount =
            RegistryImageMount.open(
                client,
                request.image(),
                rootfs,
                new RegistryImageMount.Settings(cacheDir, 64L << 30, request.fetchTimeout()),
                request.record() ? tap::attach : UnaryOperator.identity());
      } catch (Exception e) {
        throw new RecordingException(
            "cannot mount image " + request.image() + ": " + describe(e), e);
      }
      SandboxSpec spec;
      try {
        spec =
            ContainerDefaults.resolve(
                mount.config(),
                request.command(),
                request.env(),
                request.workdir(),
                request.user(),
                ImageAccounts.read(mount.mountPoint()));
      } catch (SandboxException e) {
        throw new RecordingException(e.getMessage() + " (image " + request.image() + ")", e);
      }
      ImageManifest manifest = mount.imageManifest();
      ImageInfo info =
          new ImageInfo(
              request.image().toString(),
              mount.manifest().digest().toString(),
              manifest.layers(),
              mount.lazyTree());
      long imageFileBytes = mount.tree().totalFileBytes();
      long startNanos = System.nanoTime();
      long startWallMicros = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
      TraceAssembler assembler =
          new TraceAssembler(
              request.app(), "build", info, startNanos, startWallMicros, new ProcessNames());
      ReadinessProbe probe = new ReadinessProbe(request.readiness());
      AtomicLong logReadyAt = new AtomicLong(-1);
      if (request.record()) {
        tap.start(assembler);
      }
      try {
        sandbox =
            SandboxProcess.start(
                spec,
                mount.mountPoint(),
                work,
                line -> {
                  request.output().accept(line);
                  if (probe.onLine(line)) {
                    logReadyAt.compareAndSet(-1, System.nanoTime());
                  }
                });
      } catch (SandboxException e) {
        tap.stop();
        throw new RecordingException(e.getMessage(), e);
      }
      Outcome outcome = await(sandbox, probe, logReadyAt, startNanos);
      if (outcome.reached() && sandbox.isAlive() && !request.grace().isZero()) {
        sleepUnlessInterrupted(request.grace());
      }
      long dropped = tap.stop();
      long durationNanos = System.nanoTime() - startNanos;
      sandbox.stop(STOP_PATIENCE);
      sandbox.awaitOutput(Duration.ofSeconds(1));
      Trace trace = assembler.build(outcome, durationNanos, dropped, hostName());
      return new RecordingResult(trace, outcome, outcome.failure(), imageFileBytes);
    } catch (IOException e) {
      throw new RecordingException("recording failed: " + describe(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RecordingException("recording interrupted", e);
    } finally {
      tap.stop();
      cleanUp(sandbox, mount, work);
      finished.countDown();
    }
  }

  private Outcome await(
      SandboxProcess sandbox, ReadinessProbe probe, AtomicLong logReadyAt, long startNanos)
      throws InterruptedException {
    Readiness readiness = probe.readiness();
    long deadline = startNanos + request.timeout().toNanos();
    while (true) {
      long now = System.nanoTime();
      if (readiness instanceof Readiness.Exit) {
        if (sandbox.waitFor(Duration.ofMillis(POLL_MILLIS))) {
          int code = sandbox.exitCode().orElse(-1);
          long t = micros(System.nanoTime() - startNanos);
          if (code == 0) {
            return new Outcome(Kind.EXIT, "0", true, t, 0, false, null);
          }
          return new Outcome(
              Kind.EXIT,
              Integer.toString(code),
              false,
              t,
              code,
              true,
              "the application exited with code " + code);
        }
      } else {
        boolean ready = probe.poll();
        if (ready) {
          long at = readiness instanceof Readiness.Log ? logReadyAt.get() : System.nanoTime();
          return new Outcome(
              readiness.kind(), readiness.detail(), true, micros(at - startNanos), 0, false, null);
        }
        if (!sandbox.isAlive()) {
          int code = sandbox.exitCode().orElse(-1);
          return new Outcome(
              readiness.kind(),
              readiness.detail(),
              false,
              micros(System.nanoTime() - startNanos),
              code,
              true,
              "the application exited with code "
                  + code
                  + " before it was ready ("
                  + readiness.kind().name().toLowerCase(java.util.Locale.ROOT)
                  + (readiness.detail().isEmpty() ? "" : ":" + readiness.detail())
                  + ")");
        }
        Thread.sleep(POLL_MILLIS);
      }
      if (interrupted) {
        return new Outcome(
            readiness.kind(),
            readiness.detail(),
            false,
            micros(System.nanoTime() - startNanos),
            0,
            true,
            "interrupted before the application was ready");
      }
      if (now >= deadline) {
        return new Outcome(
            Kind.TIMEOUT,
            readiness.kind().name().toLowerCase(java.util.Locale.ROOT)
                + (readiness.detail().isEmpty() ? "" : ":" + readiness.detail()),
            false,
            micros(now - startNanos),
            0,
            true,
            "the application was not ready within " + human(request.timeout()));
      }
    }
  }

  private void sleepUnlessInterrupted(Duration d) throws InterruptedException {
    long end = System.nanoTime() + d.toNanos();
    while (!interrupted && System.nanoTime() < end) {
      Thread.sleep(Math.min(POLL_MILLIS, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
    }
  }

  private static void cleanUp(SandboxProcess sandbox, RegistryImageMount mount, Path work) {
    if (sandbox != null) {
      try {
        sandbox.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (mount != null) {
      try {
        mount.close();
      } catch (IOException e) {
        System.err.println("record-trace: " + describe(e));
      }
    }
    if (work != null) {
      try (var paths = Files.walk(work)) {
        for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      } catch (IOException e) {
        System.err.println("record-trace: could not remove " + work + ": " + e.getMessage());
      }
    }
  }

  private static long micros(long nanos) {
    return nanos / 1000;
  }

  private static String human(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "";
    }
  }

  static String describe(Throwable e) {
    String m = e.getMessage();
    StringBuilder sb = new StringBuilder(m == null ? e.getClass().getSimpleName() : m);
    for (Throwable s : e.getSuppressed()) {
      sb.append("; ").append(s.getMessage());
    }
    return sb.toString();
  }
}
