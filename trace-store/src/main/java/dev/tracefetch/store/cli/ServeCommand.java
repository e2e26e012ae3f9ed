package dev.tracefetch.store.cli;

import dev.tracefetch.cli.ExitCodes;
import dev.tracefetch.store.TraceStoreApplication;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/** Runs the REST and gRPC service until the process is stopped. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Run the service (the default).",
      "Configuration: TRACE_STORE_DB_URL/_USER/_PASSWORD (none: embedded PostgreSQL under"
          + " tracestore.embedded-db.data-dir), TRACE_STORE_PORT (8080), TRACE_STORE_GRPC_PORT"
          + " (9090), TRACE_STORE_ADMIN_TOKEN; any Spring property as --name=value."
    })
final class ServeCommand implements Callable<Integer> {
  @Spec private CommandSpec spec;
  @Unmatched private List<String> springArgs = new ArrayList<>();

  @Override
  public Integer call() {
    return serve(SpringArguments.check(spec, springArgs));
  }

  static int serve(String[] springArgs) {
    ConfigurableApplicationContext context;
    try {
      context = new SpringApplicationBuilder(TraceStoreApplication.class).run(springArgs);
    } catch (RuntimeException e) {
      // Spring has logged why it could not start.
      return ExitCodes.FAILURE;
    }
    CountDownLatch closed = new CountDownLatch(1);
    context.addApplicationListener(
        (ApplicationListener<ContextClosedEvent>) event -> closed.countDown());
    if (!context.isActive()) {
      return ExitCodes.OK;
    }
    try {
      closed.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      context.close();
    }
    return ExitCodes.OK;
  }
}
