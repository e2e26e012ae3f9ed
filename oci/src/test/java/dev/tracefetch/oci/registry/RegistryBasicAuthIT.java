package dev.tracefetch.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.registry.auth.Credentials;
import dev.tracefetch.oci.testing.RegistryExtension;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A real registry with htpasswd basic auth accepts the right credentials and refuses others. */
class RegistryBasicAuthIT {
  private static final String USER = "tracefetch";
  private static final String PASSWORD = "s3cret-Pa55";

  @RegisterExtension
  static final RegistryExtension REGISTRY = RegistryExtension.withBasicAuth(USER, PASSWORD);

  private static final byte[] CONTENT =
      "hello, authenticated registry".getBytes(StandardCharsets.UTF_8);
  private static final Digest DIGEST = Digest.of(CONTENT);

  @Test
  void rightCredentialsAreAccepted() throws Exception {
    try (RegistryClient client = REGISTRY.newClient()) {
      client.ping();
      client.pushBlob("auth/app", DIGEST, BlobSource.of(CONTENT));
      try (InputStream in = client.fetchBlob("auth/app", DIGEST)) {
        assertThat(in.readAllBytes()).isEqualTo(CONTENT);
      }
    }
  }

  @Test
  void credentialsFromDockerConfigAreAccepted(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("config.json");
    String auth =
        Base64.getEncoder()
            .encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    Files.writeString(
        config, "{\"auths\":{\"http://" + REGISTRY.hostPort() + "\":{\"auth\":\"" + auth + "\"}}}");
    try (RegistryClient client =
        RegistryClient.builder(REGISTRY.hostPort()).dockerConfig(config).build()) {
      client.ping();
      assertThat(client.blobExists("auth/app", Digest.of(new byte[] {1}))).isFalse();
    }
  }

  @Test
  void wrongPasswordIsRefused() {
    try (RegistryClient client =
        RegistryClient.builder(REGISTRY.hostPort())
            .credentials(new Credentials(USER, "wrong"))
            .build()) {
      assertThatThrownBy(client::ping)
          .isInstanceOf(RegistryUnauthorizedException.class)
          .hasMessageContaining(REGISTRY.hostPort())
          .hasMessageContaining("user " + USER)
          .hasMessageNotContaining("wrong");
      assertThatThrownBy(() -> client.blobExists("auth/app", DIGEST))
          .isInstanceOf(RegistryUnauthorizedException.class)
          .hasMessageContaining("check blob")
          .hasMessageContaining("auth/app")
          .hasMessageContaining(DIGEST.toString());
    }
  }

  @Test
  void missingCredentialsAreRefused() {
    try (RegistryClient client = RegistryClient.builder(REGISTRY.hostPort()).build()) {
      assertThatThrownBy(() -> client.fetchBlob("auth/app", DIGEST))
          .isInstanceOf(RegistryUnauthorizedException.class)
          .hasMessageContaining("none are configured")
          .satisfies(
              e ->
                  assertThat(((RegistryException) e).failure().repository()).isEqualTo("auth/app"));
    }
  }
}
