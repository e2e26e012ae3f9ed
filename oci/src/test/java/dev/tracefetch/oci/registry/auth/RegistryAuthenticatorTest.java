package dev.tracefetch.oci.registry.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RegistryAuthenticatorTest {
  private static final AuthScope PULL = AuthScope.repository("team/app", "pull");

  private static final class MutableClock extends Clock {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @Test
  void tokenUrlCarriesServiceScopesAndAccount() throws Exception {
    AuthChallenge c =
        AuthChallenge.parse("Bearer realm=\"https://auth.example/token?x=1\",service=\"reg one\"")
            .get(0);
    URI url =
        RegistryAuthenticator.tokenUrl(
            c, PULL.plus(AuthScope.repository("lib/base", "pull")), Optional.of("bob"));
    assertThat(url.toString())
        .isEqualTo(
            "https://auth.example/token?x=1&service=reg%20one"
                + "&scope=repository%3Alib%2Fbase%3Apull&scope=repository%3Ateam%2Fapp%3Apull"
                + "&account=bob");
  }

  @Test
  void tokensAreCachedUntilShortlyBeforeExpiry() throws Exception {
    MutableClock clock = new MutableClock();
    List<URI> fetched = new ArrayList<>();
    RegistryAuthenticator auth =
        new RegistryAuthenticator(
            "r.example",
            CredentialProvider.anonymous(),
            (url, authz) -> {
              fetched.add(url);
              return ("{\"token\":\"t" + fetched.size() + "\",\"expires_in\":120}")
                  .getBytes(StandardCharsets.UTF_8);
            },
            clock);
    assertThat(auth.authorizationFor(PULL)).isEmpty();
    String first = auth.respondTo(List.of("Bearer realm=\"https://a.example/t\""), PULL);
    assertThat(first).isEqualTo("Bearer t1");
    assertThat(auth.authorizationFor(PULL)).contains("Bearer t1");
    clock.now = clock.now.plus(Duration.ofSeconds(105));
    assertThat(auth.authorizationFor(PULL)).contains("Bearer t1");
    clock.now = clock.now.plus(Duration.ofSeconds(10));
    assertThat(auth.authorizationFor(PULL)).contains("Bearer t2");
    assertThat(fetched).hasSize(2);
  }

  @Test
  void basicChallengeNeedsCredentials() throws Exception {
    RegistryAuthenticator anonymous =
        new RegistryAuthenticator(
            "r.example", CredentialProvider.anonymous(), (u, a) -> new byte[0], Clock.systemUTC());
    assertThatThrownBy(() -> anonymous.respondTo(List.of("Basic realm=x"), PULL))
        .isInstanceOf(AuthenticationException.class)
        .hasMessageContaining("r.example")
        .hasMessageContaining("none are configured");

    Credentials creds = new Credentials("u", "p");
    RegistryAuthenticator withCreds =
        new RegistryAuthenticator(
            "r.example", CredentialProvider.of(creds), (u, a) -> new byte[0], Clock.systemUTC());
    assertThat(withCreds.respondTo(List.of("Basic realm=x"), PULL)).isEqualTo("Basic dTpw");
    assertThat(withCreds.authorizationFor(AuthScope.none())).contains("Basic dTpw");
  }

  @Test
  void unusableChallengeIsAnError() {
    RegistryAuthenticator auth =
        new RegistryAuthenticator(
            "r.example", CredentialProvider.anonymous(), (u, a) -> new byte[0], Clock.systemUTC());
    assertThatThrownBy(() -> auth.respondTo(List.of(), PULL))
        .isInstanceOf(AuthenticationException.class)
        .hasMessageContaining("without a usable challenge");
  }

  @Test
  void tokenAnswersAreValidated() throws Exception {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    BearerToken t =
        BearerToken.parse("{\"access_token\":\"abc\"}".getBytes(StandardCharsets.UTF_8), now);
    assertThat(t.value()).isEqualTo("abc");
    assertThat(t.expiresAt()).isEqualTo(now.plusSeconds(60));
    assertThatThrownBy(() -> BearerToken.parse("{}".getBytes(StandardCharsets.UTF_8), now))
        .isInstanceOf(AuthenticationException.class);
    assertThatThrownBy(() -> BearerToken.parse("<html>".getBytes(StandardCharsets.UTF_8), now))
        .isInstanceOf(AuthenticationException.class);
  }
}
