package dev.tracefetch.oci.registry.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerConfigCredentialsTest {
  @TempDir Path dir;

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private Path write(String json) throws IOException {
    Path f = dir.resolve("config.json");
    Files.writeString(f, json);
    return f;
  }

  @Test
  void readsBase64AuthAndUsernamePasswordEntries() throws Exception {
    Path f =
        write(
            "{\"auths\":{"
                + "\"https://index.docker.io/v1/\":{\"auth\":\""
                + b64("hub:pa:ss")
                + "\"},"
                + "\"http://127.0.0.1:5000\":{\"username\":\"local\",\"password\":\"pw\"},"
                + "\"ghcr.io\":{\"identitytoken\":\"unsupported\"}},"
                + "\"credsStore\":\"desktop\"}");
    DockerConfigCredentials creds = DockerConfigCredentials.load(f);
    assertThat(creds.credentialsFor("docker.io")).contains(new Credentials("hub", "pa:ss"));
    assertThat(creds.credentialsFor("127.0.0.1:5000")).contains(new Credentials("local", "pw"));
    assertThat(creds.credentialsFor("127.0.0.1:5001")).isEmpty();
    assertThat(creds.credentialsFor("ghcr.io")).isEmpty();
  }

  @Test
  void missingFileMeansNoCredentials() throws Exception {
    assertThat(DockerConfigCredentials.load(dir.resolve("nope.json")).credentialsFor("x"))
        .isEmpty();
  }

  @Test
  void malformedFilesAreErrorsNamingTheFile() throws Exception {
    Path notJson = write("{not json");
    assertThatThrownBy(() -> DockerConfigCredentials.load(notJson))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(notJson.toString());
    Path badAuth = write("{\"auths\":{\"r.example\":{\"auth\":\"" + b64("nocolon") + "\"}}}");
    assertThatThrownBy(() -> DockerConfigCredentials.load(badAuth))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("r.example")
        .hasMessageContaining("user:password");
  }

  @Test
  void credentialsNeverPrintThePassword() {
    assertThat(new Credentials("u", "topsecret").toString()).doesNotContain("topsecret");
  }
}
