package dev.tracefetch.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Progress of a long command, counted in steps (layers, files, chunks) and bytes: redrawn in place
 * on a terminal, one line per finished step when the output goes to a log or a pipe (so CI logs
 * stay readable and nothing is lost to carriage returns), nothing at all when silenced.
 *
 * <p>Commands create one per run, hand it to their workers and close it at the end. All methods are
 * thread-safe; on a terminal, byte updates redraw at most every {@value #REDRAW_INTERVAL_MILLIS} ms
 * so that many small updates from parallel workers cost little. Progress is written to the
 * command's error stream, keeping standard output for results (such as {@code --json}).
 */
public final class ProgressBar implements AutoCloseable {
  /** Shortest time between two redraws on a terminal. */
  public static final long REDRAW_INTERVAL_MILLIS = 100;

  private static final int BAR_WIDTH = 24;

  /** How progress is shown. */
  public enum Style {
    /** Redraw one line in place with {@code \r}; step messages scroll above it. */
    TERMINAL,
    /** A line per finished step (and per message); for logs and pipes. */
    LINES,
    /** Nothing. */
    SILENT;

    /**
     * The style for a command's run: {@link #SILENT} when asked to be quiet, {@link #TERMINAL} when
     * the process talks to a terminal ({@code System.console() != null}) and no machine-readable
     * output was requested, else {@link #LINES}.
     */
    public static Style detect(boolean quiet, boolean machineReadableOutput) {
      if (quiet) {
        return SILENT;
      }
      return System.console() != null && !machineReadableOutput ? TERMINAL : LINES;
    }
  }

  private final PrintWriter out;
  private final Style style;
  private final String unit;
  private final LongSupplier nanoTime;
  private final long startNanos;

  private int stepsDone;
  private int totalSteps;
  private long bytesDone;
  private long totalBytes;
  private long lastDrawNanos = Long.MIN_VALUE;
  private int lastLineLength;
  private boolean barShown;
  private boolean closed;

  private ProgressBar(Builder b) {
    this.out = b.out;
    this.style = b.style;
    this.unit = b.unit;
    this.nanoTime = b.nanoTime;
    this.totalSteps = b.totalSteps;
    this.totalBytes = b.totalBytes;
    this.startNanos = nanoTime.getAsLong();
  }

  /** A builder writing to {@code out} (usually the command's error stream) in {@code style}. */
  public static Builder builder(PrintWriter out, Style style) {
    return new Builder(out, style);
  }

  /** Like {@link #builder(PrintWriter, Style)} for a {@link PrintStream}. */
  public static Builder builder(PrintStream out, Style style) {
    return new Builder(new PrintWriter(out, true), style);
  }

  public Style style() {
    return style;
  }

  /** Counts {@code n} more bytes done; on a terminal, redraws unless it did so very recently. */
  public synchronized void addBytes(long n) {
    if (n < 0) {
      throw new IllegalArgumentException("bytes done must not decrease, got " + n);
    }
    bytesDone += n;
    if (style == Style.TERMINAL && !closed) {
      long now = nanoTime.getAsLong();
      if (!barShown || now - lastDrawNanos >= REDRAW_INTERVAL_MILLIS * 1_000_000) {
        drawBar(now);
      }
    }
  }

  /** Adds {@code n} bytes to the total, for work whose size becomes known as it goes. */
  public synchronized void addTotalBytes(long n) {
    if (n < 0) {
      throw new IllegalArgumentException("total bytes must not decrease, got " + n);
    }
    totalBytes += n;
  }

  /** Sets the number of steps, once it is known. */
  public synchronized void totalSteps(int steps) {
    if (steps < 0) {
      throw new IllegalArgumentException("total steps must be >= 0, got " + steps);
    }
    totalSteps = steps;
  }

  /**
   * Counts one step done and reports it: on a terminal {@code description} scrolls above the bar;
   * in {@link Style#LINES} it is printed with the byte counts when the run counts bytes, e.g.
   * {@code [2/5] layer sha256:ab12... converted (3.1/9.8 MiB, 1.2 MiB/s)}.
   */
  public synchronized void stepDone(String description) {
    Objects.requireNonNull(description, "description");
    stepsDone++;
    if (closed) {
      return;
    }
    long now = nanoTime.getAsLong();
    switch (style) {
      case TERMINAL -> {
        printAboveBar("[" + stepsDone + "/" + totalSteps + "] " + description);
        drawBar(now);
      }
      case LINES -> {
        String counts = countsBytes() ? " (" + bytesPart() + ", " + rate(now) + ")" : "";
        out.println("[" + stepsDone + "/" + totalSteps + "] " + description + counts);
        out.flush();
      }
      case SILENT -> {}
    }
  }

  /** Prints a message (not a step) without disturbing the bar; nothing when silent. */
  public synchronized void message(String line) {
    if (closed || style == Style.SILENT) {
      return;
    }
    if (style == Style.TERMINAL) {
      printAboveBar(line);
      drawBar(nanoTime.getAsLong());
    } else {
      out.println(line);
      out.flush();
    }
  }

  public synchronized int stepsDone() {
    return stepsDone;
  }

  public synchronized long bytesDone() {
    return bytesDone;
  }

  public synchronized long totalBytes() {
    return totalBytes;
  }

  /**
   * The bar as it would be drawn now, e.g. {@code [#########---------------] 2/5 layers 3.1/9.8 MiB
   * 1.2 MiB/s}.
   */
  public synchronized String render() {
    return render(nanoTime.getAsLong());
  }

  /** Draws the bar a last time and ends its line (terminal); later updates are ignored. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    if (style == Style.TERMINAL) {
      drawBar(nanoTime.getAsLong());
      out.println();
      out.flush();
    }
    closed = true;
  }

  private String render(long now) {
    double fraction;
    if (totalBytes > 0) {
      fraction = Math.min(1.0, (double) bytesDone / totalBytes);
    } else if (totalSteps > 0) {
      fraction = Math.min(1.0, (double) stepsDone / totalSteps);
    } else {
      fraction = 0;
    }
    int filled = (int) Math.round(fraction * BAR_WIDTH);
    return "["
        + "#".repeat(filled)
        + "-".repeat(BAR_WIDTH - filled)
        + "] "
        + stepsDone
        + "/"
        + totalSteps
        + " "
        + unit
        + (countsBytes() ? "  " + bytesPart() + "  " + rate(now) : "");
  }

  /**
   * Whether this run moves bytes at all: steps that only compute or talk to a registry (planning, a
   * manifest push) would otherwise print a meaningless "0 B / 0 B, 0 B/s".
   */
  private boolean countsBytes() {
    return bytesDone > 0 || totalBytes > 0;
  }

  private String bytesPart() {
    return formatBytes(bytesDone) + " / " + formatBytes(totalBytes);
  }

  private String rate(long now) {
    long elapsed = now - startNanos;
    if (elapsed <= 0) {
      return "- /s";
    }
    return formatBytes((long) (bytesDone * 1e9 / elapsed)) + "/s";
  }

  private void drawBar(long now) {
    String line = render(now);
    int pad = Math.max(0, lastLineLength - line.length());
    out.print("\r" + line + " ".repeat(pad));
    out.flush();
    lastLineLength = line.length();
    lastDrawNanos = now;
    barShown = true;
  }

  private void printAboveBar(String line) {
    if (barShown) {
      int pad = Math.max(0, lastLineLength - line.length());
      out.print("\r" + line + " ".repeat(pad));
      out.println();
    } else {
      out.println(line);
    }
    lastLineLength = 0;
    out.flush();
  }

  /**
   * Formats a byte count with binary units as people read them: {@code 512 B}, {@code 1.5 KiB},
   * {@code 12.3 MiB}, {@code 2.0 GiB}.
   */
  public static String formatBytes(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double value = bytes;
    int u = -1;
    while (value >= 1024 && u < units.length - 1) {
      value /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, units[u]);
  }

  /** Configures a {@link ProgressBar}. */
  public static final class Builder {
    private final PrintWriter out;
    private final Style style;
    private String unit = "steps";
    private int totalSteps;
    private long totalBytes;
    private LongSupplier nanoTime = System::nanoTime;

    private Builder(PrintWriter out, Style style) {
      this.out = Objects.requireNonNull(out, "out");
      this.style = Objects.requireNonNull(style, "style");
    }

    /** What a step is called in the bar, e.g. {@code layers}. */
    public Builder unit(String name) {
      this.unit = Objects.requireNonNull(name, "unit");
      return this;
    }

    public Builder totalSteps(int steps) {
      if (steps < 0) {
        throw new IllegalArgumentException("total steps must be >= 0, got " + steps);
      }
      this.totalSteps = steps;
      return this;
    }

    public Builder totalBytes(long bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("total bytes must be >= 0, got " + bytes);
      }
      this.totalBytes = bytes;
      return this;
    }

    /** The clock for rates and redraw throttling (tests pass a fake one). */
    public Builder nanoTime(LongSupplier clock) {
      this.nanoTime = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public ProgressBar build() {
      return new ProgressBar(this);
    }
  }
}
