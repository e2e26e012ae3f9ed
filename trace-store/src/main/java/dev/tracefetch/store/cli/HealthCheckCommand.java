package dev.tracefetch.store.cli;

import dev.tracefetch.cli.ExitCodes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Asks a running store whether it is ready; exit 0 when it is. Exists for container health checks,
 * where the slim JRE image has no curl.
 */
@Command(
    name = "healthcheck",
    mixinStandardHelpOptions = true,
    description = "Exit 0 when the store at --url reports ready, 1 otherwise.")
final class HealthCheckCommand implements Callable<Integer> {
  @Spec private CommandSpec spec;

  @Option(
      names = "--url",
      paramLabel = "URL",
      description =
          "readiness URL (default: http://127.0.0.1:$TRACE_STORE_PORT/actuator/health/readiness)")
  private URI url;

  @Option(names = "--timeout", paramLabel = "SECONDS", description = "default: ${DEFAULT-VALUE}")
  private int timeoutSeconds = 5;

  @Override
  public Integer call() {
    URI target = url != null ? url : defaultUrl();
    try {
      HttpResponse<String> response =
          HttpClient.newBuilder()
              .connectTimeout(Duration.ofSeconds(timeoutSeconds))
              .build()
              .send(
                  HttpRequest.newBuilder(target)
                      .timeout(Duration.ofSeconds(timeoutSeconds))
                      .GET()
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      boolean up = response.statusCode() == 200 && response.body().contains("\"UP\"");
      (up ? spec.commandLine().getOut() : spec.commandLine().getErr())
          .println(target + ": " + response.statusCode() + " " + response.body());
      return up ? ExitCodes.OK : ExitCodes.FAILURE;
    } catch (java.io.IOException e) {
      spec.commandLine().getErr().println(target + ": " + e.getMessage());
      return ExitCodes.FAILURE;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ExitCodes.FAILURE;
    }
  }

  private static URI defaultUrl() {
    String port = System.getenv().getOrDefault("TRACE_STORE_PORT", "8080");
    return URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness");
  }
}
