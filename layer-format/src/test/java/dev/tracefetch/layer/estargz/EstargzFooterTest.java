package dev.tracefetch.layer.estargz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class EstargzFooterTest {

  /**
   * The footer written out field by field from docs/estargz.md ("Footer") and RFC 1952, without
   * using the code under test.
   */
  static byte[] specFooter(long tocOffset) {
    ByteArrayOutputStream f = new ByteArrayOutputStream();
    f.writeBytes(new byte[] {0x1f, (byte) 0x8b}); // ID1 ID2
    f.write(8); // CM deflate
    f.write(0b0000_0100); // FLG: FEXTRA only
    f.writeBytes(new byte[] {0, 0, 0, 0}); // MTIME
    f.write(0); // XFL
    f.write(0xff); // OS: unknown (Go's gzip default)
    f.writeBytes(new byte[] {26, 0}); // XLEN = 4 + 16 + 6, little-endian
    f.writeBytes(new byte[] {'S', 'G'}); // SI1 SI2
    f.writeBytes(new byte[] {22, 0}); // LEN = 16 + 6, little-endian
    f.writeBytes(String.format("%016xSTARGZ", tocOffset).getBytes(StandardCharsets.US_ASCII));
    f.writeBytes(new byte[] {1, 0, 0, (byte) 0xff, (byte) 0xff}); // final stored block, LEN 0
    f.writeBytes(new byte[8]); // CRC32 and ISIZE of empty data
    return f.toByteArray();
  }

  static byte[] legacyFooter(long tocOffset) {
    ByteArrayOutputStream f = new ByteArrayOutputStream();
    f.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, 4, 0, 0, 0, 0, 0, (byte) 0xff});
    f.writeBytes(new byte[] {22, 0});
    f.writeBytes(String.format("%016xSTARGZ", tocOffset).getBytes(StandardCharsets.US_ASCII));
    f.writeBytes(new byte[] {1, 0, 0, (byte) 0xff, (byte) 0xff});
    f.writeBytes(new byte[8]);
    return f.toByteArray();
  }

  @Test
  void encodesTheSpecBytes() {
    for (long off : new long[] {0, 1, 0x1234, 123_456_789_012L, Long.MAX_VALUE}) {
      byte[] expected = specFooter(off);
      assertThat(expected).hasSize(51);
      assertThat(EstargzFooter.encode(off)).isEqualTo(expected);
    }
    assertThat(new String(EstargzFooter.encode(0xabcdefL), 16, 22, StandardCharsets.US_ASCII))
        .isEqualTo("0000000000abcdefSTARGZ");
  }

  @Test
  void footerIsAnEmptyValidGzipMember() throws IOException {
    try (GZIPInputStream in =
        new GZIPInputStream(new ByteArrayInputStream(EstargzFooter.encode(4242)))) {
      assertThat(in.readAllBytes()).isEmpty();
    }
  }

  @Test
  void parsesFooterAtTheEndOfALongerTail() throws InvalidEstargzException {
    byte[] tail = new byte[1000];
    System.arraycopy(specFooter(987_654_321L), 0, tail, 1000 - 51, 51);
    EstargzFooter f = EstargzFooter.parse(tail);
    assertThat(f.tocOffset()).isEqualTo(987_654_321L);
    assertThat(f.legacy()).isFalse();
    assertThat(f.size()).isEqualTo(51);
    assertThat(Estargz.isEstargz(tail)).isTrue();
  }

  @Test
  void parsesLegacyStargzFooter() throws InvalidEstargzException {
    byte[] tail = new byte[200];
    System.arraycopy(legacyFooter(777), 0, tail, 200 - 47, 47);
    EstargzFooter f = EstargzFooter.parse(tail);
    assertThat(f.tocOffset()).isEqualTo(777);
    assertThat(f.legacy()).isTrue();
    assertThat(f.size()).isEqualTo(47);
    assertThat(EstargzFooter.parse(legacyFooter(5)).tocOffset()).isEqualTo(5);
  }

  @Test
  void rejectsNonFooters() {
    assertThatThrownBy(() -> EstargzFooter.parse(new byte[100]))
        .isInstanceOf(InvalidEstargzException.class)
        .hasMessageContaining("no eStargz footer")
        .hasMessageContaining("eStargz: not a gzip header");
    byte[] wrongId = specFooter(10);
    wrongId[12] = 'X';
    assertThatThrownBy(() -> EstargzFooter.parse(wrongId))
        .hasMessageContaining("subfield id is not 'SG'");
    byte[] badHex = specFooter(10);
    badHex[20] = 'g';
    assertThatThrownBy(() -> EstargzFooter.parse(badHex))
        .hasMessageContaining("TOC offset is not 16 hex digits");
    byte[] noMagic = specFooter(10);
    noMagic[40 - 3] = 'X';
    assertThatThrownBy(() -> EstargzFooter.parse(noMagic)).hasMessageContaining("no STARGZ magic");
    byte[] overflow = specFooter(10);
    overflow[16] = 'f';
    assertThatThrownBy(() -> EstargzFooter.parse(overflow))
        .hasMessageContaining("does not fit 63 bits");
    assertThat(Estargz.isEstargz(new byte[51])).isFalse();
  }
}
