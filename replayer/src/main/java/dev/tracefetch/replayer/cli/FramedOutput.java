package dev.tracefetch.replayer.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

/**
 * The response body of a forwarded command: its standard output and error interleaved as they are
 * written, one line per output line prefixed {@code "1 "} or {@code "2 "}, then {@code "exit N"}.
 * Lines, so the launcher can route them with {@code read -r} and a {@code case}; a line is sent as
 * soon as it is complete.
 */
final class FramedOutput {
  private final OutputStream sink;
  private final PrintWriter out;
  private final PrintWriter err;

  FramedOutput(OutputStream sink) {
    this.sink = sink;
    this.out = new PrintWriter(new Stream('1'), true);
    this.err = new PrintWriter(new Stream('2'), true);
  }

  /** The command's standard output. */
  PrintWriter out() {
    return out;
  }

  /** The command's standard error. */
  PrintWriter err() {
    return err;
  }

  /** Sends what is left of both streams, then the exit line. */
  void finish(int exitCode) throws IOException {
    out.close();
    err.close();
    line("exit " + exitCode);
  }

  private synchronized void line(String text) throws IOException {
    sink.write((text + "\n").getBytes(StandardCharsets.UTF_8));
    sink.flush();
  }

  /** One of the two streams: buffers until a line is complete. */
  private final class Stream extends Writer {
    private final char tag;
    private final StringBuilder pending = new StringBuilder();

    Stream(char tag) {
      this.tag = tag;
    }

    @Override
    public synchronized void write(char[] buf, int off, int len) throws IOException {
      for (int i = off; i < off + len; i++) {
        char c = buf[i];
        if (c == '\n') {
          emit();
        } else if (c != '\r') {
          pending.append(c);
        }
      }
    }

    private void emit() throws IOException {
      line(tag + " " + pending);
      pending.setLength(0);
    }

    @Override
    public void flush() {
      // Lines go out when complete; a partial line waits for its end or for close.
    }

    @Override
    public synchronized void close() throws IOException {
      if (pending.length() > 0) {
        emit();
      }
    }
  }
}
