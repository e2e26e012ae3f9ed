package dev.tracefetch.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RegistryAddressTest {

  @Test
  void loopbackUsesPlainHttpAndEverythingElseHttps() {
    assertThat(RegistryAddress.parse("127.0.0.1:5000", List.of()).baseUrl())
        .isEqualTo("http://127.0.0.1:5000");
    assertThat(RegistryAddress.parse("localhost:5000", List.of()).baseUrl())
        .isEqualTo("http://localhost:5000");
    assertThat(RegistryAddress.parse("[::1]:5000", List.of()).baseUrl())
        .isEqualTo("http://[::1]:5000");
    assertThat(RegistryAddress.parse("ghcr.io", List.of()).baseUrl()).isEqualTo("https://ghcr.io");
    assertThat(RegistryAddress.parse("https://localhost:5000/", List.of()).baseUrl())
        .isEqualTo("https://localhost:5000");
  }

  @Test
  void insecureListAllowsPlainHttp() {
    assertThat(RegistryAddress.parse("reg.lan:5000", List.of("reg.lan")).plainHttp()).isTrue();
    assertThat(RegistryAddress.parse("reg.lan:5000", List.of("reg.lan:5000")).plainHttp()).isTrue();
    assertThat(RegistryAddress.parse("reg.lan:5000", List.of("reg.lan:5001")).plainHttp())
        .isFalse();
    assertThatThrownBy(() -> RegistryAddress.parse("http://reg.lan:5000", List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("reg.lan:5000");
  }

  @Test
  void dockerHubIsServedByRegistry1() {
    RegistryAddress hub = RegistryAddress.parse("docker.io", List.of());
    assertThat(hub.name()).isEqualTo("docker.io");
    assertThat(hub.baseUrl()).isEqualTo("https://registry-1.docker.io");
  }

  @Test
  void rejectsMalformedAddresses() {
    for (String bad : new String[] {"", "a b", "host:99999", "host/path", "-x"}) {
      assertThatThrownBy(() -> RegistryAddress.parse(bad, List.of()))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void backoffGrowsAndStaysBounded() {
    RetryPolicy p =
        new RetryPolicy(10, Duration.ofMillis(100), Duration.ofMillis(1000), Duration.ofSeconds(1));
    Random r = new Random(1);
    for (int attempt = 1; attempt <= 9; attempt++) {
      long cap = Math.min(100L << (attempt - 1), 1000);
      assertThat(p.backoff(attempt, r).toMillis())
          .as("attempt %d", attempt)
          .isBetween(cap / 2, cap);
    }
    assertThatThrownBy(() -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void repositoryNamesAndReferencesAreValidated() {
    assertThat(RepositoryNames.repository("team/app-1.x")).isEqualTo("team/app-1.x");
    assertThat(RepositoryNames.reference("v1.0_rc")).isEqualTo("v1.0_rc");
    for (String bad : new String[] {"Team/App", "a//b", "/a", "a/", "a..b", ""}) {
      assertThatThrownBy(() -> RepositoryNames.repository(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> RepositoryNames.reference("sha256:xyz"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RepositoryNames.reference(".hidden"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
