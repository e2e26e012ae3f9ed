package dev.tracefetch.layer.tar;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Coverage-guided fuzzing of the tar reader, plain and behind gzip/zstd detection. A plain tar may
 * only fail with {@link TarFormatException}; behind a decompressor the decoder's own {@link
 * IOException} is accepted too. Runtime exceptions, OOMs and hangs are findings.
 */
class TarReaderFuzzTest {

  @FuzzTest(maxDuration = "5s")
  void plainTar(byte[] tar) throws IOException {
    try {
      readAll(new ByteArrayInputStream(tar));
    } catch (TarFormatException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    }
  }

  @FuzzTest(maxDuration = "5s")
  void compressedTar(byte[] blob) {
    try {
      readAll(LayerCompression.decompressed(new ByteArrayInputStream(blob)));
    } catch (IOException expected) {
      // TarFormatException, or the gzip/zstd decoder refusing the stream
    }
  }

  private static void readAll(InputStream in) throws IOException {
    try (TarReader reader = new TarReader(in, 1 << 16, 1 << 12)) {
      TarHeader h;
      while ((h = reader.next()) != null) {
        assertThat(h.name()).isNotEmpty();
        long n = reader.payload().transferTo(OutputStreamSink.INSTANCE);
        assertThat(n).isEqualTo(h.size());
      }
    }
  }

  private static final class OutputStreamSink extends java.io.OutputStream {
    static final OutputStreamSink INSTANCE = new OutputStreamSink();

    @Override
    public void write(int b) {}

    @Override
    public void write(byte[] b, int off, int len) {}
  }
}
