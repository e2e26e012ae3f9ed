package dev.tracefetch.oci.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DigestVerifyingInputStreamTest {
  private static final byte[] DATA = "hello, verified world".getBytes(StandardCharsets.UTF_8);

  private static InputStream verifying(byte[] content, Digest expected, long size) {
    return new DigestVerifyingInputStream(
        new ByteArrayInputStream(content), expected, size, "blob under test");
  }

  @Test
  void correctContentReadsToTheEnd() throws Exception {
    try (InputStream in = verifying(DATA, Digest.of(DATA), DATA.length)) {
      assertThat(in.readAllBytes()).isEqualTo(DATA);
      assertThat(in.read()).isEqualTo(-1);
    }
  }

  @Test
  void singleByteReadsAndSkipsAreHashedToo() throws Exception {
    try (InputStream in = verifying(DATA, Digest.of(DATA), -1)) {
      assertThat(in.read()).isEqualTo('h');
      assertThat(in.skip(5)).isEqualTo(5);
      while (in.read() >= 0) {
        // drain
      }
    }
  }

  @Test
  void corruptedContentFailsAtTheEndInsteadOfEndOfStream() throws Exception {
    byte[] corrupted = DATA.clone();
    corrupted[3] ^= 1;
    InputStream in = verifying(corrupted, Digest.of(DATA), DATA.length);
    assertThatThrownBy(in::readAllBytes)
        .isInstanceOf(DigestMismatchException.class)
        .hasMessageContaining("digest mismatch for blob under test: expected " + Digest.of(DATA))
        .hasMessageContaining("got " + Digest.of(corrupted));
  }

  @Test
  void wrongSizeIsReported() {
    assertThatThrownBy(() -> verifying(DATA, Digest.of(DATA), DATA.length - 1).readAllBytes())
        .hasMessageContaining("longer than its expected size of " + (DATA.length - 1));
    assertThatThrownBy(() -> verifying(DATA, Digest.of(DATA), DATA.length + 1).readAllBytes())
        .hasMessageContaining(
            "ended after " + DATA.length + " bytes, expected " + (DATA.length + 1));
  }
}
