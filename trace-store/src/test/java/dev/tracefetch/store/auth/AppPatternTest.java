package dev.tracefetch.store.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracefetch.store.error.InvalidInputException;
import org.junit.jupiter.api.Test;

class AppPatternTest {
  @Test
  void starMatchesAnyRunAndQuestionMarkOneCharacter() {
    AppPattern web = new AppPattern("web-*");
    assertThat(web.matches("web-shop")).isTrue();
    assertThat(web.matches("web-")).isTrue();
    assertThat(web.matches("web")).isFalse();
    assertThat(web.matches("api-web-shop")).isFalse();
    AppPattern api = new AppPattern("api-?");
    assertThat(api.matches("api-1")).isTrue();
    assertThat(api.matches("api-12")).isFalse();
  }

  @Test
  void dotsAreLiteral() {
    AppPattern pattern = new AppPattern("a.b");
    assertThat(pattern.matches("a.b")).isTrue();
    assertThat(pattern.matches("axb")).isFalse();
  }

  @Test
  void rejectsCharactersOutsideAppNames() {
    assertThatThrownBy(() -> new AppPattern("web/*"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("web/*");
    assertThatThrownBy(() -> new AppPattern("")).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> new AppPattern("(a|b)")).isInstanceOf(InvalidInputException.class);
  }
}
