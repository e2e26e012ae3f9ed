package dev.tracefetch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
  private final StringWriter text = new StringWriter();
  private final PrintWriter out = new PrintWriter(text);
  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  private ProgressBar bar(ProgressBar.Style style, int steps, long bytes) {
    return ProgressBar.builder(out, style)
        .unit("layers")
        .totalSteps(steps)
        .totalBytes(bytes)
        .nanoTime(now::get)
        .build();
  }

  private void advanceMillis(long ms) {
    now.addAndGet(ms * 1_000_000);
  }

  @Test
  void linesStylePrintsOneLinePerStepWithCountsAndRate() {
    try (ProgressBar p = bar(ProgressBar.Style.LINES, 2, 4L << 20)) {
      p.addBytes(1 << 20);
      advanceMillis(1000);
      p.addBytes(1 << 20);
      assertThat(text.toString()).isEmpty(); // bytes alone print nothing in a log
      p.stepDone("layer a converted");
      advanceMillis(1000);
      p.addBytes(2 << 20);
      p.stepDone("layer b kept");
    }
    assertThat(text.toString().lines().toList())
        .containsExactly(
            "[1/2] layer a converted (2.0 MiB / 4.0 MiB, 2.0 MiB/s)",
            "[2/2] layer b kept (4.0 MiB / 4.0 MiB, 2.0 MiB/s)");
    assertThat(text.toString()).doesNotContain("\r");
  }

  @Test
  void stepsOfARunThatMovesNoBytesPrintNoByteCounts() {
    try (ProgressBar p = bar(ProgressBar.Style.LINES, 2, 0)) {
      p.stepDone("plan built");
      p.stepDone("manifest pushed");
    }
    assertThat(text.toString().lines().toList())
        .containsExactly("[1/2] plan built", "[2/2] manifest pushed");
  }

  @Test
  void terminalStyleRedrawsInPlaceAndThrottlesRedraws() {
    ProgressBar p = bar(ProgressBar.Style.TERMINAL, 4, 1000);
    p.addBytes(100); // first update draws
    p.addBytes(100); // within the redraw interval: no redraw
    assertThat(count(text.toString(), '\r')).isEqualTo(1);
    advanceMillis(ProgressBar.REDRAW_INTERVAL_MILLIS);
    p.addBytes(300);
    assertThat(count(text.toString(), '\r')).isEqualTo(2);
    assertThat(text.toString()).doesNotContain("\n");
    assertThat(text.toString())
        .contains("\r[############------------] 0/4 layers  500 B / 1000 B  ");
    // The rendered line is the bar: 500 of 1000 bytes is half full.
    assertThat(p.render()).startsWith("[############------------] 0/4 layers  500 B / 1000 B  ");

    p.stepDone("layer 1 done");
    String afterStep = text.toString();
    // The step message replaces the bar's line and ends it; the bar is drawn again below.
    assertThat(afterStep).contains("\r[1/4] layer 1 done");
    assertThat(afterStep.substring(afterStep.lastIndexOf('\n') + 1))
        .startsWith("\r[############------------] 1/4 layers");
    p.close();
    assertThat(text.toString()).endsWith("\n");
    int length = text.toString().length();
    p.addBytes(1);
    p.stepDone("late");
    assertThat(text.toString()).hasSize(length); // nothing after close
  }

  @Test
  void terminalStylePadsAShorterLineOverALongerOne() {
    ProgressBar p = bar(ProgressBar.Style.TERMINAL, 1, 4L << 30);
    advanceMillis(1000);
    p.addBytes(3L << 30);
    String bar = p.render();
    p.message("short");
    String s = text.toString();
    // "short" overwrites the bar's line, blanks its rest, and ends the line.
    String overwritten = s.substring(s.indexOf("\rshort"), s.indexOf('\n'));
    assertThat(overwritten).isEqualTo("\rshort" + " ".repeat(bar.length() - "short".length()));
  }

  @Test
  void silentStylePrintsNothingButStillCounts() {
    try (ProgressBar p = bar(ProgressBar.Style.SILENT, 3, 10)) {
      p.addBytes(7);
      p.stepDone("x");
      p.message("hello");
      assertThat(p.stepsDone()).isEqualTo(1);
      assertThat(p.bytesDone()).isEqualTo(7);
    }
    assertThat(text.toString()).isEmpty();
  }

  @Test
  void totalsCanGrowAndTheBarNeverOverflows() {
    ProgressBar p = bar(ProgressBar.Style.SILENT, 0, 0);
    assertThat(p.render()).isEqualTo("[------------------------] 0/0 layers");
    p.totalSteps(2);
    p.addTotalBytes(10);
    p.addBytes(25);
    assertThat(p.render()).startsWith("[########################] 0/2 layers  25 B / 10 B");
    assertThatThrownBy(() -> p.addBytes(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void concurrentUpdatesAreAllCounted() throws InterruptedException {
    ProgressBar p = bar(ProgressBar.Style.TERMINAL, 8, 8L * 10_000);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      Thread th =
          new Thread(
              () -> {
                for (int i = 0; i < 10_000; i++) {
                  p.addBytes(1);
                  if (i % 100 == 0) {
                    now.addAndGet(50_000_000);
                  }
                }
                p.stepDone("worker done");
              });
      threads.add(th);
      th.start();
    }
    for (Thread th : threads) {
      th.join();
    }
    p.close();
    assertThat(p.bytesDone()).isEqualTo(80_000);
    assertThat(p.stepsDone()).isEqualTo(8);
    assertThat(text.toString().lines().filter(l -> l.contains("worker done")).count()).isEqualTo(8);
    assertThat(text.toString()).contains("8/8 layers  78.1 KiB / 78.1 KiB");
  }

  @Test
  void formatsBytesWithBinaryUnits() {
    assertThat(ProgressBar.formatBytes(0)).isEqualTo("0 B");
    assertThat(ProgressBar.formatBytes(1023)).isEqualTo("1023 B");
    assertThat(ProgressBar.formatBytes(1536)).isEqualTo("1.5 KiB");
    assertThat(ProgressBar.formatBytes(4L << 20)).isEqualTo("4.0 MiB");
    assertThat(ProgressBar.formatBytes(3L << 30)).isEqualTo("3.0 GiB");
    assertThat(ProgressBar.formatBytes(Long.MAX_VALUE)).isEqualTo("8.0 EiB");
  }

  @Test
  void quietWinsOverTheTerminal() {
    assertThat(ProgressBar.Style.detect(true, false)).isEqualTo(ProgressBar.Style.SILENT);
    assertThat(ProgressBar.Style.detect(false, true)).isEqualTo(ProgressBar.Style.LINES);
  }

  private static long count(String s, char c) {
    return s.chars().filter(x -> x == c).count();
  }
}
