package dev.tracefetch.builder.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracefetch.builder.testing.MixedImage;
import dev.tracefetch.builder.testing.MixedImage.Encoding;
import dev.tracefetch.layer.tar.LayerCompression;
import dev.tracefetch.layer.tar.TarFormatException;
import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.testing.TestEntry;
import dev.tracefetch.oci.testing.TestLayer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** How a source layer is read: compression told from its bytes, digest over the plain tar. */
class LayerConverterTest {
  static final byte[] TAR =
      TestLayer.builder()
          .add(TestEntry.largeFile("data/blob.bin", 300_000, 5))
          .file("etc/motd", "hello\n")
          .build()
          .tar();

  /** Remembers whether its reader reached the end, as a verifying stream needs. */
  static final class EndTracking extends ByteArrayInputStream {
    boolean reachedEnd;

    EndTracking(byte[] b) {
      super(b);
    }

    @Override
    public synchronized int read(byte[] b, int off, int len) {
      int n = super.read(b, off, len);
      if (n < 0 || available() == 0) {
        reachedEnd = true;
      }
      return n;
    }

    @Override
    public synchronized int read() {
      int n = super.read();
      if (n < 0 || available() == 0) {
        reachedEnd = true;
      }
      return n;
    }
  }

  @ParameterizedTest
  @EnumSource(Encoding.class)
  void detectsTheCompressionAndDigestsThePlainTar(Encoding encoding) throws IOException {
    byte[] blob = MixedImage.encode(TAR, encoding);
    EndTracking in = new EndTracking(blob);
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    LayerConverter.Uncompressed u = LayerConverter.uncompress(in, out);

    LayerCompression expected =
        switch (encoding) {
          case TAR -> LayerCompression.TAR;
          case GZIP, GZIP_MEMBERS -> LayerCompression.GZIP;
          case ZSTD, ZSTD_FRAMES -> LayerCompression.ZSTD;
        };
    assertThat(u.compression()).isEqualTo(expected);
    assertThat(out.toByteArray()).isEqualTo(TAR);
    assertThat(u.digest()).isEqualTo(Digest.of(TAR));
    assertThat(u.size()).isEqualTo(TAR.length);
    assertThat(in.reachedEnd).isTrue();
  }

  @Test
  void bytesThatAreNoLayerAreRefusedNamingWhatTheyStartWith() {
    byte[] junk = "PK\u0003\u0004 this is a zip".getBytes(StandardCharsets.ISO_8859_1);
    assertThatThrownBy(
            () ->
                LayerConverter.uncompress(
                    new ByteArrayInputStream(junk), OutputStreamSink.INSTANCE))
        .isInstanceOf(TarFormatException.class)
        .hasMessageContaining("neither gzip, zstd nor tar");
  }

  @Test
  void aTruncatedGzipLayerFails() {
    byte[] blob = MixedImage.gzip(TAR);
    byte[] cut = java.util.Arrays.copyOf(blob, blob.length / 2);
    assertThatThrownBy(
            () ->
                LayerConverter.uncompress(new ByteArrayInputStream(cut), OutputStreamSink.INSTANCE))
        .isInstanceOf(IOException.class);
  }

  /** Discards output. */
  static final class OutputStreamSink extends java.io.OutputStream {
    static final OutputStreamSink INSTANCE = new OutputStreamSink();

    @Override
    public void write(int b) {}

    @Override
    public void write(byte[] b, int off, int len) {}
  }
}
