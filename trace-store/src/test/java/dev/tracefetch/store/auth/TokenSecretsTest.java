package dev.tracefetch.store.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TokenSecretsTest {
  @Test
  void newTokensParseBackToTheirId() {
    String id = TokenSecrets.newId();
    String token = TokenSecrets.newToken(id);
    assertThat(id).matches("[0-9a-f]{16}");
    assertThat(TokenSecrets.parse(token)).hasValueSatisfying(p -> assertThat(p.id()).isEqualTo(id));
  }

  @Test
  void tokensAreRandom() {
    String id = TokenSecrets.newId();
    assertThat(TokenSecrets.newToken(id)).isNotEqualTo(TokenSecrets.newToken(id));
  }

  @Test
  void hashMatchesOnlyTheSameToken() {
    String token = TokenSecrets.newToken(TokenSecrets.newId());
    byte[] stored = TokenSecrets.hash(token);
    assertThat(TokenSecrets.matches(token, stored)).isTrue();
    assertThat(TokenSecrets.matches(token + "x", stored)).isFalse();
    assertThat(stored).hasSize(32);
  }

  @Test
  void rejectsStringsThatAreNotTokens() {
    assertThat(TokenSecrets.parse("")).isEmpty();
    assertThat(TokenSecrets.parse("tft_0123_short")).isEmpty();
    assertThat(TokenSecrets.parse("Bearer tft_0123456789abcdef_" + "a".repeat(43))).isEmpty();
  }
}
