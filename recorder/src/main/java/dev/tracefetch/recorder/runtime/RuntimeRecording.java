package dev.tracefetch.recorder.runtime;

import dev.tracefetch.api.files.TraceFiles;
import dev.tracefetch.api.v1.Readiness.Kind;
import dev.tracefetch.api.v1.Trace;
import dev.tracefetch.fs.ops.FileSystemOperations;
import dev.tracefetch.oci.image.Descriptor;
import dev.tracefetch.oci.image.ImageFormatException;
import dev.tracefetch.oci.image.ImageManifest;
import dev.tracefetch.oci.image.RawManifest;
import dev.tracefetch.recorder.trace.ImageInfo;
import dev.tracefetch.recorder.trace.Outcome;
import dev.tracefetch.recorder.trace.ProcessNames;
import dev.tracefetch.recorder.trace.RecordingTap;
import dev.tracefetch.recorder.trace.TraceAssembler;
import dev.tracefetch.recorder.trace.TraceSummary;
import dev.tracefetch.recorder.upload.TraceDelivery;
import dev.tracefetch.recorder.upload.TraceSpool;
import dev.tracefetch.recorder.upload.TraceUploader;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * Recording "where it really runs": the accesses of whatever a real container runtime starts on a
 * node's lazy mount, for a time window from the mount on, delivered to the trace store (or a local
 * file) when the window ends or the mount is released, whichever comes first. No special build step
 * and no per-application image: the node's own mount is the recording point.
 */
public final class RuntimeRecording {
  /** Where a runtime trace goes; at least one of {@code out} and {@code upload}. */
  public record Settings(
      String app, Duration window, double sample, Path out, URI upload, String token, Path spool) {
    public Settings {
      if (app == null || app.isBlank()) {
        throw new IllegalArgumentException(
            "--record needs --app NAME: traces belong to an application");
      }
      Objects.requireNonNull(window, "window");
      if (window.isZero() || window.isNegative()) {
        throw new IllegalArgumentException("--record-for must be positive, got " + window);
      }
      if (!(sample > 0 && sample <= 1)) {
        throw new IllegalArgumentException("--sample must be in (0, 1], got " + sample);
      }
      if (upload != null && (token == null || token.isBlank())) {
        throw new IllegalArgumentException("--upload needs --token (a trace-store token)");
      }
      if (out == null && upload == null) {
        throw new IllegalArgumentException(
            "--record needs --upload URL (with --token) or --record-out FILE");
      }
      Objects.requireNonNull(spool, "spool");
    }
  }

  private final Settings settings;
  private final boolean sampled;
  private final RecordingTap tap = new RecordingTap();
  private final PrintStream log;
  private ScheduledExecutorService timer;
  private TraceAssembler assembler;
  private long startNanos;
  private boolean finished;

  /**
   * @param draw a uniform random number in [0, 1) deciding whether this mount is sampled
   */
  public RuntimeRecording(Settings settings, double draw, PrintStream log) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.sampled = draw < settings.sample();
    this.log = log;
  }

  /** Whether this mount records at all (see {@code --sample}). */
  public boolean sampled() {
    return sampled;
  }

  /** The decorator to put between the image filesystem and FUSE when assembling the mount. */
  public UnaryOperator<FileSystemOperations> decorator() {
    return sampled ? tap::attach : UnaryOperator.identity();
  }

  /**
   * Starts recording on the now mounted image; the window ends by itself after {@code
   * --record-for}.
   *
   * @param manifest the mounted manifest (after following an index)
   * @throws ImageFormatException if the manifest is not an image manifest
   */
  public synchronized void start(String reference, RawManifest manifest)
      throws ImageFormatException {
    if (!sampled) {
      log.printf("record: not sampled this time (--sample %s)%n", settings.sample());
      return;
    }
    ImageInfo info =
        new ImageInfo(
            reference,
            manifest.digest().toString(),
            layers(manifest),
            tap.tree().orElseThrow(() -> new IllegalStateException("recording tap not attached")));
    startNanos = System.nanoTime();
    assembler =
        new TraceAssembler(
            settings.app(),
            "runtime",
            info,
            startNanos,
            ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now()),
            new ProcessNames());
    tap.start(assembler);
    timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "record-window");
              t.setDaemon(true);
              return t;
            });
    timer.schedule(() -> finish(true), settings.window().toMillis(), TimeUnit.MILLISECONDS);
    log.printf(
        "record: recording app %s for %s (or until the mount is released)%n",
        settings.app(), settings.window());
  }

  /**
   * Ends the recording and delivers the trace; later calls do nothing. Call when the mount is
   * released (before unmounting).
   *
   * @param windowEnded true when the window ran out, false when the mount was released first
   * @return the trace, when one was recorded and not delivered before
   */
  public synchronized Optional<Trace> finish(boolean windowEnded) {
    if (!sampled || assembler == null || finished) {
      return Optional.empty();
    }
    finished = true;
    if (timer != null) {
      timer.shutdown();
    }
    long dropped = tap.stop();
    long elapsed = System.nanoTime() - startNanos;
    Outcome outcome =
        new Outcome(
            Kind.WINDOW,
            windowEnded
                ? "window " + settings.window().toMillis() + "ms"
                : "mount released after " + elapsed / 1_000_000 + "ms",
            true,
            elapsed / 1000,
            0,
            false,
            null);
    Trace trace = assembler.build(outcome, elapsed, dropped, hostName());
    deliver(trace);
    return Optional.of(trace);
  }

  private void deliver(Trace trace) {
    TraceSummary s = TraceSummary.of(trace);
    log.printf(
        "record: %d files, %d chunks, %d events (%d dropped) in %.1f s%n",
        s.filesTouched(), s.chunks(), s.events(), s.droppedEvents(), s.timeToReadyMicros() / 1e6);
    byte[] bytes = TraceFiles.toBytes(trace);
    if (settings.out() != null) {
      try {
        TraceFiles.write(trace, settings.out());
        log.printf("record: trace written to %s%n", settings.out());
      } catch (IOException e) {
        log.printf("record: cannot write the trace to %s: %s%n", settings.out(), e.getMessage());
      }
    }
    if (settings.upload() != null) {
      try (TraceUploader up =
          new TraceUploader(settings.upload(), settings.token(), Duration.ofSeconds(30))) {
        TraceDelivery.Delivery d =
            new TraceDelivery(up, new TraceSpool(settings.spool())).send(bytes);
        if (d.delivered()) {
          log.printf(
              "record: trace %s uploaded to %s%s%n",
              d.digest(), up.endpoint(), d.result().duplicate() ? " (already there)" : "");
        } else {
          log.printf(
              "record: %s; the trace is kept in %s, send it later with 'record-trace flush'%n",
              d.error().getMessage(), d.spooled());
        }
      } catch (IOException e) {
        log.printf(
            "record: upload failed and the spool %s is not writable: %s; trace %s is lost%n",
            settings.spool(), e.getMessage(), TraceSpool.digestOf(bytes));
      }
    }
  }

  private static List<Descriptor> layers(RawManifest manifest) throws ImageFormatException {
    if (manifest.parse() instanceof ImageManifest m) {
      return m.layers();
    }
    throw new ImageFormatException("manifest " + manifest.digest() + " is not an image manifest");
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "";
    }
  }
}
