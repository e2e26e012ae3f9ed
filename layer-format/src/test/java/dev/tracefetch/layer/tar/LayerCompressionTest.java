package dev.tracefetch.layer.tar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class LayerCompressionTest {

  private static byte[] tar() throws IOException {
    return TarRoundTripTest.write(TarRoundTripTest.sampleEntries());
  }

  private static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    }
    return out.toByteArray();
  }

  /** A stream that, like a network socket, never claims bytes are available. */
  private static InputStream networkLike(byte[] data) {
    return new FilterInputStream(new ByteArrayInputStream(data)) {
      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        return super.read(b, off, Math.min(len, 1000));
      }

      @Override
      public int available() {
        return 0;
      }
    };
  }

  @Test
  void detectsByMagicBytes() throws IOException {
    byte[] tar = tar();
    assertThat(LayerCompression.detect(tar, tar.length)).isEqualTo(LayerCompression.TAR);
    byte[] gz = gzip(tar);
    assertThat(LayerCompression.detect(gz, gz.length)).isEqualTo(LayerCompression.GZIP);
    ByteArrayOutputStream z = new ByteArrayOutputStream();
    try (ZstdOutputStream zs = new ZstdOutputStream(z)) {
      zs.write(tar);
    }
    assertThat(LayerCompression.detect(z.toByteArray(), z.size())).isEqualTo(LayerCompression.ZSTD);
    assertThat(LayerCompression.detect(new byte[1024], 1024)).isEqualTo(LayerCompression.TAR);
  }

  @Test
  void garbageIsRejected() {
    byte[] junk = "PK\u0003\u0004 this is a zip file, not a layer".repeat(20).getBytes();
    assertThatThrownBy(() -> LayerCompression.detect(junk, junk.length))
        .isInstanceOf(TarFormatException.class)
        .hasMessageContaining("neither gzip, zstd nor tar (starts with PK\\x03\\x04");
  }

  @Test
  void decompressesConcatenatedGzipMembersFromSlowStreams() throws IOException {
    byte[] tar = tar();
    byte[] first = gzip(java.util.Arrays.copyOf(tar, 1536));
    byte[] second = gzip(java.util.Arrays.copyOfRange(tar, 1536, tar.length));
    byte[] both = TarRoundTripTest.concat(first, second);
    try (InputStream in = LayerCompression.decompressed(networkLike(both))) {
      assertThat(in.readAllBytes()).isEqualTo(tar);
    }
  }

  @Test
  void decompressesZstdAndPassesTarThrough() throws IOException {
    byte[] tar = tar();
    ByteArrayOutputStream z = new ByteArrayOutputStream();
    for (List<Integer> range : List.of(List.of(0, 2048), List.of(2048, tar.length))) {
      try (ZstdOutputStream zs = new ZstdOutputStream(z)) { // two frames
        zs.write(tar, range.get(0), range.get(1) - range.get(0));
      }
    }
    try (InputStream in = LayerCompression.decompressed(networkLike(z.toByteArray()))) {
      assertThat(in.readAllBytes()).isEqualTo(tar);
    }
    try (InputStream in = LayerCompression.decompressed(networkLike(tar))) {
      assertThat(in.readAllBytes()).isEqualTo(tar);
    }
  }
}
