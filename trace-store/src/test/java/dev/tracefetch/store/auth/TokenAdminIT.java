package dev.tracefetch.store.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracefetch.store.cli.TraceStoreCommand;
import dev.tracefetch.store.support.Http;
import dev.tracefetch.store.support.StoreIntegrationTest;
import dev.tracefetch.store.support.TestTraces;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import picocli.CommandLine;

/** Token administration over REST and through the CLI, against the same database. */
class TokenAdminIT extends StoreIntegrationTest {
  @Value("${spring.datasource.url}")
  String dbUrl;

  @Value("${spring.datasource.username}")
  String dbUser;

  @Value("${spring.datasource.password}")
  String dbPassword;

  @Test
  void adminCreatesListsAndRevokesTokens() {
    Http http = http();
    Http.Response created =
        http.postJson(
            "/api/v1/tokens",
            ADMIN_TOKEN,
            "{\"scopes\":[\"upload\"],\"app\":\"web-*\",\"description\":\"ci nodes\"}");
    assertThat(created.status()).as(created.text()).isEqualTo(201);
    String token = created.json().get("token").asText();
    String id = created.json().get("details").get("id").asText();
    assertThat(token).startsWith("tft_" + id + "_");

    JsonNode listed = http.get("/api/v1/tokens", ADMIN_TOKEN).json();
    JsonNode mine = null;
    for (JsonNode t : listed) {
      if (t.get("id").asText().equals(id)) {
        mine = t;
      }
    }
    assertThat(mine).isNotNull();
    assertThat(mine.get("app").asText()).isEqualTo("web-*");
    assertThat(mine.get("description").asText()).isEqualTo("ci nodes");
    assertThat(mine.toString()).doesNotContain(token.substring(22));

    byte[] file = TestTraces.file(TestTraces.normal("web-a", TestTraces.IMAGE_A, 1));
    assertThat(http.upload(file, token).status()).isEqualTo(201);
    assertThat(http.delete("/api/v1/tokens/" + id, ADMIN_TOKEN).status()).isEqualTo(204);
    Http.Response revoked = http.upload(file, token);
    assertThat(revoked.status()).isEqualTo(401);
    assertThat(revoked.json().get("detail").asText()).contains("revoked");
    assertThat(http.delete("/api/v1/tokens/ffffffffffffffff", ADMIN_TOKEN).status()).isEqualTo(404);
  }

  @Test
  void badTokenRequestsAre400() {
    Http http = http();
    assertThat(http.postJson("/api/v1/tokens", ADMIN_TOKEN, "{\"scopes\":[\"root\"]}").status())
        .isEqualTo(400);
    assertThat(http.postJson("/api/v1/tokens", ADMIN_TOKEN, "{\"scopes\":[]}").status())
        .isEqualTo(400);
    assertThat(
            http.postJson("/api/v1/tokens", ADMIN_TOKEN, "{\"scopes\":[\"read\"],\"app\":\"a*\"}")
                .status())
        .isEqualTo(400);
    assertThat(
            http.postJson(
                    "/api/v1/tokens", ADMIN_TOKEN, "{\"scopes\":[\"upload\"],\"app\":\"a/b\"}")
                .json()
                .get("detail")
                .asText())
        .contains("a/b");
  }

  @Test
  void cliTokenCreateWritesToTheConfiguredDatabase() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = TraceStoreCommand.commandLine();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int exit =
        cmd.execute(
            "token",
            "create",
            "--scope",
            "upload",
            "--app",
            "web-*",
            "--spring.datasource.url=" + dbUrl,
            "--spring.datasource.username=" + dbUser,
            "--spring.datasource.password=" + dbPassword);
    assertThat(exit).as(err.toString()).isZero();
    String token = out.toString().strip();
    assertThat(token).matches("tft_[0-9a-f]{16}_[A-Za-z0-9_-]{43}");
    assertThat(err.toString()).contains("created token").contains("app=web-*");

    Http http = http();
    assertThat(
            http.upload(TestTraces.file(TestTraces.normal("web-cli", TestTraces.IMAGE_A, 1)), token)
                .status())
        .isEqualTo(201);
    assertThat(
            http.upload(TestTraces.file(TestTraces.normal("db-cli", TestTraces.IMAGE_A, 1)), token)
                .status())
        .isEqualTo(403);
  }
}
