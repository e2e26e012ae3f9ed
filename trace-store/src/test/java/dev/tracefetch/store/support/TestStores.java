package dev.tracefetch.store.support;

import dev.tracefetch.store.TraceStoreApplication;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts the whole store in this JVM the way {@code bin/trace-store} does, on free loopback ports,
 * for tests and benchmarks that stop and start it (restarts, embedded database, load).
 */
public final class TestStores {
  private TestStores() {}

  /** The store on {@code db} with {@code adminToken}; {@code extra} are more Spring arguments. */
  public static ConfigurableApplicationContext start(
      TestPostgres.Database db, String adminToken, String... extra) {
    List<String> args = new ArrayList<>();
    args.add("--spring.datasource.url=" + db.url());
    args.add("--spring.datasource.username=" + db.user());
    args.add("--spring.datasource.password=" + db.password());
    args.addAll(List.of(extra));
    return start(adminToken, args.toArray(String[]::new));
  }

  /** The store with {@code adminToken} and only the given Spring arguments for its database. */
  public static ConfigurableApplicationContext start(String adminToken, String... args) {
    List<String> all = new ArrayList<>();
    all.add("--server.port=0");
    all.add("--server.address=127.0.0.1");
    all.add("--tracestore.grpc.port=0");
    all.add("--tracestore.grpc.address=127.0.0.1");
    all.add("--tracestore.auth.admin-token=" + adminToken);
    all.addAll(List.of(args));
    return new SpringApplicationBuilder(TraceStoreApplication.class)
        .run(all.toArray(String[]::new));
  }

  /** An HTTP client for the REST port of a started store. */
  public static Http http(ConfigurableApplicationContext store) {
    return new Http(((WebServerApplicationContext) store).getWebServer().getPort());
  }
}
