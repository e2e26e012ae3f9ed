package dev.tracefetch.builder.plan;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Where the traces behind a plan come from: trace files recorded by {@code record-trace} or a
 * replayer, or the trace store, which has already ranked and merged an app's traces into a plan.
 */
public sealed interface PlanSource {

  /** Trace files; {@code app} (may be null) must match theirs when given. */
  record TraceFiles(List<Path> files, String app) implements PlanSource {
    public TraceFiles {
      files = List.copyOf(files);
      if (files.isEmpty()) {
        throw new IllegalArgumentException("no trace files given");
      }
    }
  }

  /** The trace store at {@code url}; {@code token} (may be null) is sent as a bearer token. */
  record Store(URI url, String app, String token) implements PlanSource {
    public Store {
      Objects.requireNonNull(url, "url");
      Objects.requireNonNull(app, "app");
      if (app.isBlank()) {
        throw new IllegalArgumentException("--app is blank");
      }
    }
  }
}
