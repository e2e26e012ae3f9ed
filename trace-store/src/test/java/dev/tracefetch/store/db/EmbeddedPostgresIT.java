package dev.tracefetch.store.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The embedded default: a private cluster from the host's PostgreSQL binaries that initialises,
 * keeps data across restarts and stops. When the tests run as root (as in CI) the cluster belongs
 * to the unprivileged {@code postgres} user.
 */
class EmbeddedPostgresIT {
  private Path dataDir;

  @BeforeEach
  void dataDir() throws Exception {
    Files.createDirectories(Path.of("target"));
    dataDir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "embedded-pg-");
  }

  private EmbeddedPostgres.Settings settings() {
    return new EmbeddedPostgres.Settings(
        dataDir, Optional.empty(), "postgres", Duration.ofSeconds(60));
  }

  private static Connection connect(EmbeddedPostgres pg) throws Exception {
    return DriverManager.getConnection(pg.jdbcUrl(), pg.username(), pg.password());
  }

  private static boolean accepting(int port) {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  @Test
  void initialisesKeepsDataAcrossRestartsAndStops() throws Exception {
    int firstPort;
    try (EmbeddedPostgres pg = EmbeddedPostgres.start(settings())) {
      firstPort = pg.port();
      try (Connection c = connect(pg);
          Statement st = c.createStatement()) {
        st.execute("CREATE TABLE kept (v int)");
        st.execute("INSERT INTO kept VALUES (42)");
      }
      if (EmbeddedPostgres.runningAsRoot()) {
        Path pgdata = dataDir.resolve("pgdata");
        assertThat(Files.getOwner(pgdata).getName()).isEqualTo("postgres");
        String pid = Files.readAllLines(pgdata.resolve("postmaster.pid")).get(0).strip();
        Process ps = new ProcessBuilder("ps", "-o", "user=", "-p", pid).start();
        assertThat(new String(ps.getInputStream().readAllBytes()).strip()).isEqualTo("postgres");
      }
      assertThat(
              PosixFilePermissions.toString(
                  Files.getPosixFilePermissions(dataDir.resolve("superuser.password"))))
          .isEqualTo("rw-------");
      assertThat(pg.isRunning()).isTrue();
    }
    assertThat(accepting(firstPort)).isFalse();

    try (EmbeddedPostgres again = EmbeddedPostgres.start(settings())) {
      try (Connection c = connect(again);
          Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT v FROM kept")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getInt(1)).isEqualTo(42);
      }
    }
    EmbeddedPostgres probe = EmbeddedPostgres.start(settings());
    probe.close();
    assertThat(probe.isRunning()).isFalse();
  }

  @Test
  void joinsARunningClusterWithoutStoppingIt() throws Exception {
    try (EmbeddedPostgres owner = EmbeddedPostgres.start(settings())) {
      try (EmbeddedPostgres guest = EmbeddedPostgres.start(settings())) {
        assertThat(guest.port()).isEqualTo(owner.port());
      }
      assertThat(owner.isRunning()).isTrue();
      try (Connection c = connect(owner)) {
        assertThat(c.isValid(5)).isTrue();
      }
    }
  }

  @Test
  void missingBinariesAreExplained() {
    EmbeddedPostgres.Settings bad =
        new EmbeddedPostgres.Settings(
            dataDir, Optional.of(Path.of("/nonexistent/bin")), "postgres", Duration.ofSeconds(5));
    assertThatThrownBy(() -> EmbeddedPostgres.start(bad))
        .isInstanceOf(EmbeddedPostgresException.class)
        .hasMessageContaining("tracestore.embedded-db.bin-dir");
  }

  @Test
  void unknownOsUserIsExplainedWhenRunningAsRoot() {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        EmbeddedPostgres.runningAsRoot(), "only root hands the cluster to another user");
    EmbeddedPostgres.Settings bad =
        new EmbeddedPostgres.Settings(
            dataDir, Optional.empty(), "no-such-user-tracefetch", Duration.ofSeconds(30));
    assertThatThrownBy(() -> EmbeddedPostgres.start(bad))
        .isInstanceOf(EmbeddedPostgresException.class)
        .hasMessageContaining("no-such-user-tracefetch")
        .hasMessageContaining("tracestore.embedded-db.os-user");
    assertThat(dataDir.resolve("pgdata").resolve("PG_VERSION")).doesNotExist();
  }
}
