package dev.tracefetch.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.image.DigestMismatchException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

class VerifyingInputStreamTest {
  private static final byte[] DATA = data(200_003);

  private static byte[] data(int n) {
    byte[] b = new byte[n];
    new Random(3).nextBytes(b);
    return b;
  }

  @Test
  void passesMatchingContentThrough() throws IOException {
    try (InputStream in =
        new VerifyingInputStream(
            new ByteArrayInputStream(DATA), Digest.of(DATA), DATA.length, "t")) {
      assertThat(in.readAllBytes()).isEqualTo(DATA);
    }
    try (InputStream in =
        new VerifyingInputStream(new ByteArrayInputStream(DATA), Digest.of(DATA), -1, "t")) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      int b;
      while ((b = in.read()) >= 0) {
        out.write(b);
      }
      assertThat(out.toByteArray()).isEqualTo(DATA);
    }
  }

  @Test
  void neverHandsOutAllBytesOfCorruptContent() {
    byte[] corrupt = DATA.clone();
    corrupt[corrupt.length - 1] ^= 1;
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    assertThatThrownBy(
            () -> {
              try (InputStream in =
                  new VerifyingInputStream(
                      new ByteArrayInputStream(corrupt), Digest.of(DATA), -1, "blob X")) {
                byte[] buf = new byte[7000];
                int n;
                while ((n = in.read(buf)) >= 0) {
                  got.write(buf, 0, n);
                }
              }
            })
        .isInstanceOf(DigestMismatchException.class)
        .hasMessageContaining("blob X");
    assertThat(got.size()).isLessThan(DATA.length);
  }

  @Test
  void sizeMismatchIsDetected() {
    assertThatThrownBy(
            () ->
                new VerifyingInputStream(
                        new ByteArrayInputStream(DATA), Digest.of(DATA), DATA.length - 1, "t")
                    .readAllBytes())
        .isInstanceOf(DigestMismatchException.class)
        .hasMessageContaining("more than the expected");
    assertThatThrownBy(
            () ->
                new VerifyingInputStream(
                        new ByteArrayInputStream(DATA), Digest.of(DATA), DATA.length + 1, "t")
                    .readAllBytes())
        .isInstanceOf(DigestMismatchException.class)
        .hasMessageContaining("expected");
  }
}
