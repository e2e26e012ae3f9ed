package dev.tracefetch.recorder.trace;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Names the processes seen in access events ({@code /proc/PID/comm}), looked up when the events are
 * drained, while the short-lived processes of a start are usually still there. A pid is looked up
 * once; a process that is already gone simply has no name in the trace.
 */
public final class ProcessNames {
  private final Path proc;
  private final Map<Long, Optional<String>> cache = new ConcurrentHashMap<>();

  public ProcessNames() {
    this(Path.of("/proc"));
  }

  public ProcessNames(Path proc) {
    this.proc = proc;
  }

  /** The process name of {@code pid}, if it is known and still running. */
  public Optional<String> nameOf(long pid) {
    if (pid <= 0) {
      return Optional.empty();
    }
    return cache.computeIfAbsent(pid, this::read);
  }

  private Optional<String> read(long pid) {
    try {
      String s =
          Files.readString(
              proc.resolve(Long.toString(pid)).resolve("comm"), StandardCharsets.UTF_8);
      s = s.strip();
      return s.isEmpty() ? Optional.empty() : Optional.of(s);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
