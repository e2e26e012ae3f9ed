package dev.tracefetch.store.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracefetch.store.support.Http;
import dev.tracefetch.store.support.StoreIntegrationTest;
import dev.tracefetch.store.support.TestTraces;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/** With {@code tracestore.auth.anonymous-read=true}, reads need no token; nothing else changes. */
@TestPropertySource(properties = "tracestore.auth.anonymous-read=true")
class AnonymousReadIT extends StoreIntegrationTest {
  @Test
  void readsAreOpenButWritesAndBadTokensAreNot() {
    Http http = http();
    byte[] file = TestTraces.file(TestTraces.normal("open", TestTraces.IMAGE_A, 1));
    assertThat(http.upload(file, null).status()).isEqualTo(401);
    String id = http.upload(file, ADMIN_TOKEN).json().get("id").asText();
    awaitPlans();

    assertThat(http.get("/api/v1/apps", null).status()).isEqualTo(200);
    assertThat(http.get("/api/v1/traces/" + id, null).status()).isEqualTo(200);
    assertThat(
            http.get(
                    "/api/v1/apps/open/images/" + TestTraces.IMAGE_A + "/plan",
                    null,
                    "application/x-protobuf")
                .status())
        .isEqualTo(200);
    assertThat(http.get("/api/v1/apps", "tft_0123456789abcdef_" + "y".repeat(43)).status())
        .isEqualTo(401);
    assertThat(http.delete("/api/v1/traces/" + id, null).status()).isEqualTo(401);
    assertThat(http.get("/api/v1/tokens", null).status()).isEqualTo(401);
  }
}
