package dev.tracefetch.builder.layer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracefetch.builder.plan.IndexedImage;
import dev.tracefetch.builder.testing.BuilderCli;
import dev.tracefetch.builder.testing.BuilderCli.Run;
import dev.tracefetch.builder.testing.TracedImages;
import dev.tracefetch.oci.registry.RegistryClient;
import dev.tracefetch.oci.testing.RegistryExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A registry with basic auth: with the Docker config's credentials the commands work, without them
 * the push is refused with a message saying so, and nothing is tagged.
 */
class BuilderAuthIT {
  @RegisterExtension
  static final RegistryExtension GUARDED = RegistryExtension.withBasicAuth("builder", "s3cret");

  @TempDir Path dir;

  @Test
  void usesDockerConfigCredentialsAndFailsCleanlyWithout() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        System.getenv("DOCKER_CONFIG") == null,
        "DOCKER_CONFIG is set, so the test cannot point the builder at its own config");
    String host = GUARDED.hostPort();
    IndexedImage image;
    try (RegistryClient client = GUARDED.newClient()) {
      image = TracedImages.push(client, "app", "v1", TracedImages.base());
    }
    Path trace =
        TracedImages.write(TracedImages.reading(image, "web", "bin/start"), dir.resolve("t"));
    Path home = dir.resolve("home");
    Files.createDirectories(home.resolve(".docker"));
    String auth =
        Base64.getEncoder().encodeToString("builder:s3cret".getBytes(StandardCharsets.UTF_8));
    Files.writeString(
        home.resolve(".docker/config.json"),
        "{\"auths\":{\"" + host + "\":{\"auth\":\"" + auth + "\"}}}");
    String previousHome = System.getProperty("user.home");
    Run ok;
    Run refused;
    try {
      System.setProperty("user.home", home.toString());
      ok =
          BuilderCli.run(
              "build-layer",
              "--image",
              host + "/app:v1",
              "--trace",
              trace.toString(),
              "--push",
              host + "/app:traced",
              "-q");
      System.setProperty("user.home", dir.resolve("nobody").toString());
      refused =
          BuilderCli.run(
              "build-layer",
              "--image",
              host + "/app:v1",
              "--trace",
              trace.toString(),
              "--push",
              host + "/app:refused",
              "-q");
    } finally {
      System.setProperty("user.home", previousHome);
    }

    assertThat(ok.exitCode()).as(ok.err()).isZero();
    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.err())
        .startsWith("trace-layer-builder build-layer: ")
        .contains("registry " + host)
        .contains("docker login");
    try (RegistryClient client = GUARDED.newClient()) {
      assertThat(client.headManifest("app", "traced")).isPresent();
      assertThat(client.headManifest("app", "refused")).isEmpty();
    }
  }
}
