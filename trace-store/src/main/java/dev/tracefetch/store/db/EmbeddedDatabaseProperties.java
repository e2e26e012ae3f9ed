package dev.tracefetch.store.db;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The embedded database used when no {@code TRACE_STORE_DB_URL} / {@code spring.datasource.url} is
 * configured.
 *
 * @param enabled false to fail instead of starting a private cluster when no database is set
 * @param dataDir where the cluster lives; default {@code /var/lib/tracefetch/trace-store} when run
 *     as root (the PostgreSQL user cannot enter root's home), else {@code
 *     $XDG_DATA_HOME/tracefetch/trace-store} ({@code ~/.local/share/...})
 * @param binDir PostgreSQL server binaries; default: found under /usr/lib/postgresql
 * @param osUser OS user that owns and runs the cluster when the store runs as root
 * @param timeout how long starting or stopping the cluster may take
 */
@ConfigurationProperties("tracestore.embedded-db")
public record EmbeddedDatabaseProperties(
    @DefaultValue("true") boolean enabled,
    Path dataDir,
    Path binDir,
    @DefaultValue("postgres") String osUser,
    @DefaultValue("60s") Duration timeout) {

  public EmbeddedPostgres.Settings settings() {
    return new EmbeddedPostgres.Settings(
        dataDir != null ? dataDir : defaultDataDir(), Optional.ofNullable(binDir), osUser, timeout);
  }

  static Path defaultDataDir() {
    if (EmbeddedPostgres.runningAsRoot()) {
      return Path.of("/var/lib/tracefetch/trace-store");
    }
    String xdg = System.getenv("XDG_DATA_HOME");
    Path base =
        xdg != null && !xdg.isBlank()
            ? Path.of(xdg)
            : Path.of(System.getProperty("user.home"), ".local", "share");
    return base.resolve("tracefetch").resolve("trace-store");
  }
}
