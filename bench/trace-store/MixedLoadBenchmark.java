import dev.tracefetch.store.TraceStoreApplication;
import dev.tracefetch.store.load.MixedLoad;
import dev.tracefetch.store.plan.PlanRecomputer;
import dev.tracefetch.store.support.Http;
import dev.tracefetch.store.support.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The trace store under many concurrent clients for minutes (issue 10): see
 * bench/trace-store/mixed-load. Arguments: seconds clients.
 */
public final class MixedLoadBenchmark {
  private static final String ADMIN = "bench-admin-token-0123456789abcdef";

  public static void main(String[] args) throws Exception {
    int seconds = Integer.parseInt(args[0]);
    int clients = Integer.parseInt(args[1]);
    System.out.printf(
        Locale.ROOT,
        "mixed load: %d clients for %d s, cores=%d, java %s, load average before: %s%n",
        clients, seconds, Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"), loadAverage());
    TestPostgres.Database db = TestPostgres.freshDatabase("mixedload");
    int exit = 0;
    try (ConfigurableApplicationContext store =
        new SpringApplicationBuilder(TraceStoreApplication.class)
            .run(
                "--server.port=0",
                "--server.address=127.0.0.1",
                "--tracestore.grpc.port=0",
                "--tracestore.grpc.address=127.0.0.1",
                "--tracestore.auth.admin-token=" + ADMIN,
                "--spring.datasource.url=" + db.url(),
                "--spring.datasource.username=" + db.user(),
                "--spring.datasource.password=" + db.password(),
                "--logging.level.root=warn")) {
      Http http = new Http(((WebServerApplicationContext) store).getWebServer().getPort());
      Set<String> expected = new HashSet<>(MixedLoad.seed(http, ADMIN));
      store.getBean(PlanRecomputer.class).awaitIdle(Duration.ofMinutes(2));
      MixedLoad.Result result = MixedLoad.run(http, ADMIN, clients, Duration.ofSeconds(seconds));
      System.out.print(result.report());
      System.out.println("load average after: " + loadAverage());
      result.errors().forEach(e -> System.out.println("error: " + e));
      store.getBean(PlanRecomputer.class).awaitIdle(Duration.ofMinutes(5));
      expected.addAll(result.ackedDigests());
      Set<String> stored = new HashSet<>();
      long rows;
      try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
          Statement st = c.createStatement()) {
        try (ResultSet rs = st.executeQuery("SELECT content_digest FROM traces")) {
          while (rs.next()) {
            stored.add(rs.getString(1));
          }
        }
        try (ResultSet rs = st.executeQuery("SELECT count(*) FROM traces")) {
          rs.next();
          rows = rs.getLong(1);
        }
      }
      Set<String> lost = new HashSet<>(expected);
      lost.removeAll(stored);
      System.out.printf(
          Locale.ROOT,
          "acknowledged %d (incl. %d seed), rows %d, lost %d, errors %d%n",
          expected.size(), MixedLoad.APPS, rows, lost.size(), result.errorCount());
      if (!lost.isEmpty() || rows != expected.size() || result.errorCount() > 0) {
        System.out.println("FAILED: errors or lost uploads");
        exit = 1;
      }
    }
    System.exit(exit);
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).strip();
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }

  private MixedLoadBenchmark() {}
}
