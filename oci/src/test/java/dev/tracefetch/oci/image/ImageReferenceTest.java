package dev.tracefetch.oci.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImageReferenceTest {
  private static final String HEX =
      "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  private static final Digest DIGEST = Digest.parse("sha256:" + HEX);

  @Test
  void officialImageGoesToDockerHubLibrary() {
    ImageReference r = ImageReference.parse("ubuntu");
    assertThat(r.domain()).isEqualTo("docker.io");
    assertThat(r.registry()).isEqualTo("registry-1.docker.io");
    assertThat(r.repository()).isEqualTo("library/ubuntu");
    assertThat(r.tag()).contains("latest");
    assertThat(r.digest()).isEmpty();
    assertThat(r.reference()).isEqualTo("latest");
    assertThat(r.isLoopback()).isFalse();
    assertThat(r).hasToString("docker.io/library/ubuntu:latest");
  }

  @Test
  void dockerHubUserImageKeepsNamespace() {
    ImageReference r = ImageReference.parse("bitnami/redis:7.2");
    assertThat(r.registry()).isEqualTo("registry-1.docker.io");
    assertThat(r.repository()).isEqualTo("bitnami/redis");
    assertThat(r.tag()).contains("7.2");
  }

  @Test
  void explicitDockerHubNamesNormalise() {
    assertThat(ImageReference.parse("docker.io/ubuntu:22.04"))
        .isEqualTo(ImageReference.parse("ubuntu:22.04"))
        .isEqualTo(ImageReference.parse("index.docker.io/library/ubuntu:22.04"));
  }

  @Test
  void localRegistryWithPortAndTag() {
    ImageReference r = ImageReference.parse("localhost:5000/app:tag");
    assertThat(r.registry()).isEqualTo("localhost:5000");
    assertThat(r.host()).isEqualTo("localhost");
    assertThat(r.port()).contains(5000);
    assertThat(r.repository()).isEqualTo("app");
    assertThat(r.tag()).contains("tag");
    assertThat(r.isLoopback()).isTrue();
  }

  @Test
  void registryWithNestedRepositoryAndDigest() {
    ImageReference r = ImageReference.parse("registry.example.com/ns/sub/app@sha256:" + HEX);
    assertThat(r.registry()).isEqualTo("registry.example.com");
    assertThat(r.port()).isEmpty();
    assertThat(r.repository()).isEqualTo("ns/sub/app");
    assertThat(r.tag()).isEmpty();
    assertThat(r.digest()).contains(DIGEST);
    assertThat(r.reference()).isEqualTo("sha256:" + HEX);
    assertThat(r).hasToString("registry.example.com/ns/sub/app@sha256:" + HEX);
  }

  @Test
  void tagAndDigestTogetherPreferDigest() {
    ImageReference r = ImageReference.parse("app:tag@sha256:" + HEX);
    assertThat(r.registry()).isEqualTo("registry-1.docker.io");
    assertThat(r.repository()).isEqualTo("library/app");
    assertThat(r.tag()).contains("tag");
    assertThat(r.digest()).contains(DIGEST);
    assertThat(r.reference()).isEqualTo(DIGEST.toString());
  }

  @Test
  void ipv6LoopbackWithPort() {
    ImageReference r = ImageReference.parse("[::1]:5000/x");
    assertThat(r.registry()).isEqualTo("[::1]:5000");
    assertThat(r.host()).isEqualTo("[::1]");
    assertThat(r.port()).contains(5000);
    assertThat(r.repository()).isEqualTo("x");
    assertThat(r.tag()).contains("latest");
    assertThat(r.isLoopback()).isTrue();
  }

  @Test
  void ipv6WithoutPortKeepsTag() {
    ImageReference r = ImageReference.parse("[::1]/x:v1");
    assertThat(r.registry()).isEqualTo("[::1]");
    assertThat(r.port()).isEmpty();
    assertThat(r.tag()).contains("v1");
  }

  @ParameterizedTest
  @CsvSource({
    "localhost/a, true",
    "127.0.0.1:5000/a, true",
    "127.1.2.3/a, true",
    "[::1]:443/a, true",
    "[0:0:0:0:0:0:0:1]/a, true",
    "128.0.0.1/a, false",
    "[::2]/a, false",
    "localhost.example.com/a, false",
    "registry.local:5000/a, false",
  })
  void loopbackIsDecidedFromTheHostText(String input, boolean loopback) {
    assertThat(ImageReference.parse(input).isLoopback()).isEqualTo(loopback);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "''| empty",
        "UPPER/app| must be lowercase",
        "localhost:5000/App:1| repository 'App'",
        "app:-bad| tag '-bad'",
        "app:.bad| tag '.bad'",
        "app@sha256:abc| invalid digest 'sha256:abc'",
        "app@md5:0123| invalid digest",
        "bad_host.example.com_/app| registry host 'bad_host.example.com_'",
        "reg.example.com:99999999/app| registry host",
        "a//b| repository 'a//b'",
        "app/| repository 'app/'",
        "-app| repository 'library/-app'",
        "a__-b| repository",
        ":tag| repository name is empty",
      })
  void invalidReferencesNameInputAndProblem(String input, String expected) {
    assertThatThrownBy(() -> ImageReference.parse(input))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(expected)
        .satisfies(
            e -> {
              if (!input.isEmpty()) {
                assertThat(e.getMessage()).contains("'" + input + "'");
              }
            });
  }

  @Test
  void tagsUpTo128CharactersAreAccepted() {
    String tag = "a".repeat(128);
    assertThat(ImageReference.parse("app:" + tag).tag()).contains(tag);
    assertThatThrownBy(() -> ImageReference.parse("app:" + tag + "a"))
        .hasMessageContaining("1-128 characters");
  }

  @Test
  void namesLongerThan255CharactersAreRejected() {
    String repo = "a".repeat(250);
    assertThatThrownBy(() -> ImageReference.parse("reg.example.com/" + repo))
        .hasMessageContaining("longer than 255");
  }

  @Test
  void separatorsOfTheDistributionGrammarAreAccepted() {
    assertThat(ImageReference.parse("r.io/a.b_c__d---e/f").repository())
        .isEqualTo("a.b_c__d---e/f");
  }

  @Test
  void withTagWithDigestAndWithRepositoryCopy() {
    ImageReference r = ImageReference.parse("localhost:5000/app:1");
    assertThat(r.withTag("2")).hasToString("localhost:5000/app:2");
    assertThat(r.withDigest(DIGEST).reference()).isEqualTo(DIGEST.toString());
    assertThat(r.withRepository("other/app")).hasToString("localhost:5000/other/app:1");
    assertThatThrownBy(() -> r.withTag("bad tag")).hasMessageContaining("'bad tag'");
    assertThatThrownBy(() -> r.withRepository("Bad")).hasMessageContaining("'Bad'");
  }

  @Test
  void equalReferencesHaveEqualHashCodes() {
    assertThat(ImageReference.parse("ubuntu").hashCode())
        .isEqualTo(ImageReference.parse("docker.io/library/ubuntu:latest").hashCode());
  }
}
