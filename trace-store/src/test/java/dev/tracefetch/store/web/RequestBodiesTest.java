package dev.tracefetch.store.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracefetch.store.error.TooLargeException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class RequestBodiesTest {
  @Test
  void readsBodiesUpToTheLimit() throws Exception {
    byte[] body = new byte[100_000];
    body[99_999] = 7;
    assertThat(RequestBodies.readBounded(new ByteArrayInputStream(body), -1, 100_000))
        .isEqualTo(body);
  }

  @Test
  void refusesADeclaredLengthOverTheLimitWithoutReading() {
    InputStream never =
        new InputStream() {
          @Override
          public int read() {
            throw new AssertionError("body must not be read");
          }
        };
    assertThatThrownBy(() -> RequestBodies.readBounded(never, 101, 100))
        .isInstanceOf(TooLargeException.class)
        .hasMessageContaining("100 bytes");
  }

  @Test
  void stopsReadingAChunkedBodyOnceItIsTooLarge() {
    assertThatThrownBy(
            () -> RequestBodies.readBounded(new ByteArrayInputStream(new byte[101]), -1, 100))
        .isInstanceOf(TooLargeException.class);
  }

  @Test
  void readsABodyOfDeclaredLengthExactly() throws Exception {
    byte[] body = new byte[100_000];
    body[0] = 1;
    body[99_999] = 7;
    assertThat(RequestBodies.readBounded(new ByteArrayInputStream(body), 100_000, 100_000))
        .isEqualTo(body);
  }

  @Test
  void returnsWhatArrivedWhenTheBodyIsShorterThanDeclared() throws Exception {
    byte[] body = {1, 2, 3};
    assertThat(RequestBodies.readBounded(new ByteArrayInputStream(body), 10, 100))
        .containsExactly(1, 2, 3);
  }

  @Test
  void readsOnPastTheDeclaredLengthButNotPastTheLimit() throws Exception {
    byte[] body = {1, 2, 3, 4, 5};
    assertThat(RequestBodies.readBounded(new ByteArrayInputStream(body), 3, 5))
        .containsExactly(1, 2, 3, 4, 5);
    assertThatThrownBy(
            () -> RequestBodies.readBounded(new ByteArrayInputStream(new byte[101]), 50, 100))
        .isInstanceOf(TooLargeException.class);
  }
}
