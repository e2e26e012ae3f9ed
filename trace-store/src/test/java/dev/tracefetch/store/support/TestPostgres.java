package dev.tracefetch.store.support;

import static org.junit.jupiter.api.Assertions.fail;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;

/**
 * The PostgreSQL server integration tests run against, and a fresh database per test class.
 *
 * <p>Order: the standard libpq variables when {@code PGHOST} is set ({@code pg_virtualenv} and
 * {@code bin/run-tests} set them); else a Testcontainers PostgreSQL when a Docker engine is
 * reachable; else the test fails and says how to get a server.
 */
public final class TestPostgres {
  /** Connection settings of one fresh database. */
  public record Database(String name, String url, String user, String password) {}

  private record Server(String host, int port, String user, String password, String adminDb) {
    String url(String database) {
      return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }
  }

  private static Server server;

  private TestPostgres() {}

  /** Creates an empty database named after {@code label} plus a random suffix. */
  public static Database freshDatabase(String label) {
    Server s = server();
    String name =
        "ts_"
            + label.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "")
            + "_"
            + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    name = name.length() > 60 ? name.substring(name.length() - 60) : name;
    try (Connection c = DriverManager.getConnection(s.url(s.adminDb()), s.user(), s.password());
        Statement st = c.createStatement()) {
      // The name is built above from [a-z0-9_] only; CREATE DATABASE takes no parameters.
      st.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      fail("cannot create test database " + name + " on " + s.url(s.adminDb()) + ": " + e, e);
    }
    return new Database(name, s.url(name), s.user(), s.password());
  }

  private static synchronized Server server() {
    if (server != null) {
      return server;
    }
    String host = System.getenv("PGHOST");
    if (host != null && !host.isBlank()) {
      if (host.startsWith("/")) {
        fail(
            "PGHOST="
                + host
                + " is a Unix socket directory; the JDBC driver needs TCP: set PGHOST=localhost");
      }
      String user = env("PGUSER", System.getProperty("user.name"));
      server =
          new Server(
              host,
              Integer.parseInt(env("PGPORT", "5432")),
              user,
              env("PGPASSWORD", ""),
              env("PGDATABASE", "postgres"));
      return server;
    }
    if (dockerAvailable()) {
      PostgreSQLContainer<?> container = new PostgreSQLContainer<>("postgres:15-alpine");
      container.start();
      server =
          new Server(
              container.getHost(),
              container.getMappedPort(PostgreSQLContainer.POSTGRESQL_PORT),
              container.getUsername(),
              container.getPassword(),
              container.getDatabaseName());
      return server;
    }
    fail(
        "No PostgreSQL server for the integration tests. Run them with bin/run-tests, or as"
            + " 'pg_virtualenv -t -- mvn verify', or export PGHOST/PGPORT/PGUSER/PGPASSWORD for a"
            + " server where that user may CREATE DATABASE (Testcontainers would be used if a"
            + " Docker engine were reachable).");
    throw new AssertionError("unreachable");
  }

  private static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
