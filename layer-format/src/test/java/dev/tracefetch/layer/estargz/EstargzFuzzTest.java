package dev.tracefetch.layer.estargz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.image.DigestMismatchException;
import java.io.IOException;
import java.util.Arrays;

/**
 * Coverage-guided fuzzing of the eStargz footer parser, the TOC reader and validator, and the chunk
 * decoder behind them. Allowed outcomes are a valid index or {@link InvalidEstargzException} /
 * {@link DigestMismatchException}; anything else (runtime exception, OOM, hang) is a finding.
 */
class EstargzFuzzTest {
  private static final EstargzLimits LIMITS =
      EstargzLimits.defaults()
          .withMaxTocJsonSize(1 << 20)
          .withMaxCompressedTocSize(1 << 20)
          .withMaxChunkSize(1 << 20);

  @FuzzTest(maxDuration = "5s")
  void footer(byte[] tail) {
    try {
      EstargzFooter f = EstargzFooter.parse(tail);
      assertThat(f.tocOffset()).isNotNegative();
      if (!f.legacy()) {
        assertThat(EstargzFooter.parse(EstargzFooter.encode(f.tocOffset()))).isEqualTo(f);
      }
    } catch (InvalidEstargzException expected) {
      assertThat(expected).hasMessageContaining("footer");
    }
  }

  @FuzzTest(maxDuration = "5s")
  void tocJson(byte[] json) {
    try {
      Toc toc = TocJson.parse(json);
      EstargzIndex index = EstargzIndex.build("fuzz", toc, Digest.of(json), 1L << 30, LIMITS);
      for (EstargzFile f : index.files()) {
        assertThat(index.lookup(f.path())).isPresent();
      }
    } catch (InvalidEstargzException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    }
  }

  @FuzzTest(maxDuration = "5s")
  void blob(byte[] blob) throws IOException {
    EstargzIndex index;
    try {
      index = EstargzReader.open("fuzz", BlobRangeReader.ofBytes(blob), null, LIMITS);
    } catch (InvalidEstargzException expected) {
      return;
    }
    for (EstargzChunk c : index.chunksInBlobOrder()) {
      assertThat(c.compressedEnd()).isLessThanOrEqualTo(blob.length);
      byte[] range = Arrays.copyOfRange(blob, (int) c.compressedOffset(), (int) c.compressedEnd());
      try {
        assertThat(ChunkDecoder.decode("fuzz", c, range)).hasSize(c.chunkSize());
      } catch (InvalidEstargzException | DigestMismatchException expected) {
        // corrupt or mismatching data is refused, never returned
      }
    }
  }
}
