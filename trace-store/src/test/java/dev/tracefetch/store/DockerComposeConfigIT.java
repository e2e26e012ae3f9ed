package dev.tracefetch.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The top-level docker-compose.yml is valid for {@code docker-compose config} (Debian's
 * docker-compose; no Docker engine needed) and wires PostgreSQL, trace-store and a registry with
 * health checks and volumes.
 */
class DockerComposeConfigIT {
  private static final Path COMPOSE = Path.of("..", "docker-compose.yml").toAbsolutePath();

  private static boolean onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }

  @Test
  @SuppressWarnings("unchecked")
  void composeFileIsValidAndComplete() throws Exception {
    assumeTrue(
        onPath("docker-compose"),
        "docker-compose is not installed (apt-get install docker-compose)");
    ProcessBuilder pb =
        new ProcessBuilder("docker-compose", "-f", COMPOSE.toString(), "config")
            .redirectErrorStream(false);
    pb.environment().put("TRACE_STORE_ADMIN_TOKEN", "compose-check-token-0123456789");
    Process process = pb.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
    assertThat(process.exitValue()).as(err).isZero();

    Map<String, Object> config = new Yaml().load(out);
    Map<String, Map<String, Object>> services =
        (Map<String, Map<String, Object>>) config.get("services");
    assertThat(services).containsKeys("postgres", "trace-store", "registry");
    for (String name : List.of("postgres", "trace-store", "registry")) {
      assertThat(services.get(name)).as(name).containsKey("healthcheck");
    }
    assertThat((Map<String, Object>) config.get("volumes")).isNotEmpty();
    Map<String, Object> store = services.get("trace-store");
    assertThat(store.get("environment").toString()).contains("TRACE_STORE_DB_URL");
    assertThat(store.get("depends_on").toString()).contains("service_healthy");
    assertThat(store.get("build").toString()).contains("trace-store/Dockerfile");
  }
}
