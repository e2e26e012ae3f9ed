package dev.tracefetch.oci.registry.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class AuthChallengeTest {

  @Test
  void parsesABearerChallengeWithQuotedCommas() {
    List<AuthChallenge> challenges =
        AuthChallenge.parse(
            "Bearer realm=\"https://auth.example/token\",service=\"registry.example\","
                + "scope=\"repository:team/app:pull,push\"");
    assertThat(challenges).hasSize(1);
    AuthChallenge c = challenges.get(0);
    assertThat(c.isBearer()).isTrue();
    assertThat(c.param("realm")).contains("https://auth.example/token");
    assertThat(c.param("service")).contains("registry.example");
    assertThat(c.param("scope")).contains("repository:team/app:pull,push");
  }

  @Test
  void parsesSeveralChallengesAndUnquotedValues() {
    List<AuthChallenge> challenges =
        AuthChallenge.parseAll(
            List.of("Basic realm=\"Registry Realm\", Bearer realm=x, service = y", "Negotiate"));
    assertThat(challenges)
        .extracting(AuthChallenge::scheme)
        .containsExactly("Basic", "Bearer", "Negotiate");
    assertThat(challenges.get(0).isBasic()).isTrue();
    assertThat(challenges.get(0).param("REALM")).contains("Registry Realm");
    assertThat(challenges.get(1).param("realm")).contains("x");
    assertThat(challenges.get(1).param("service")).contains("y");
    assertThat(challenges.get(2).params()).isEmpty();
  }

  @Test
  void handlesEscapesAndGarbage() {
    assertThat(AuthChallenge.parse("Bearer realm=\"a\\\"b\"").get(0).param("realm"))
        .contains("a\"b");
    assertThat(AuthChallenge.parse("")).isEmpty();
    assertThat(AuthChallenge.parse(null)).isEmpty();
    assertThat(AuthChallenge.parse(" , ,")).isEmpty();
  }
}
