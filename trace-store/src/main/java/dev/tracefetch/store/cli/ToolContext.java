package dev.tracefetch.store.cli;

import dev.tracefetch.store.TraceStoreApplication;
import java.io.PrintStream;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A Spring context for one-shot tools ({@code token ...}): same configuration and database as the
 * service (the embedded cluster included), but no HTTP or gRPC listener and no background work.
 * Logging goes to standard error so standard output carries only the tool's answer.
 */
final class ToolContext {
  private ToolContext() {}

  static ConfigurableApplicationContext start(String[] springArgs) {
    PrintStream stdout = System.out;
    System.setOut(System.err);
    try {
      return new SpringApplicationBuilder(TraceStoreApplication.class)
          .web(WebApplicationType.NONE)
          .logStartupInfo(false)
          .properties(
              "tracestore.grpc.enabled=false",
              "tracestore.plan.recompute-on-start=false",
              "logging.level.root=warn")
          .run(springArgs);
    } finally {
      System.setOut(stdout);
    }
  }

  /** Closes the context with logging still on standard error. */
  static void close(ConfigurableApplicationContext context) {
    PrintStream stdout = System.out;
    System.setOut(System.err);
    try {
      context.close();
    } finally {
      System.setOut(stdout);
    }
  }
}
