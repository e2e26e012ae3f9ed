package dev.tracefetch.layer.estargz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.image.DigestMismatchException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ChunkDecoderTest {
  static final byte[] A = TestLayer.content("a", 1000);
  static final byte[] B = TestLayer.content("b", 300);

  /** gzip members holding the given parts (one member per array). */
  static byte[] members(int level, byte[]... parts) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    GzipMemberWriter w = new GzipMemberWriter(out, level);
    for (byte[] p : parts) {
      w.open();
      w.write(p, 0, p.length);
      w.close();
    }
    w.end();
    return out.toByteArray();
  }

  static EstargzChunk chunk(long inner, byte[] content, long blobOffset, long end) {
    return new EstargzChunk(
        "dir/file", 0, blobOffset, end, inner, 0, content.length, Digest.of(content));
  }

  @Test
  void decodesAChunkFromItsMember() throws IOException {
    byte[] gz = members(6, A);
    assertThat(ChunkDecoder.decode("L", chunk(0, A, 0, gz.length), gz)).isEqualTo(A);
  }

  @Test
  void skipsInnerOffsetInSharedMembers() throws IOException {
    byte[] both = new byte[A.length + B.length];
    System.arraycopy(A, 0, both, 0, A.length);
    System.arraycopy(B, 0, both, A.length, B.length);
    byte[] gz = members(6, both);
    assertThat(ChunkDecoder.decode("L", chunk(A.length, B, 0, gz.length), gz)).isEqualTo(B);
    // a sub-range of a larger array, as a caller with a bigger fetch buffer would pass
    byte[] padded = new byte[gz.length + 20];
    System.arraycopy(gz, 0, padded, 7, gz.length);
    assertThat(ChunkDecoder.decode("L", chunk(A.length, B, 0, gz.length), padded, 7, gz.length))
        .isEqualTo(B);
  }

  @Test
  void continuesIntoTheNextMemberWhenAChunkSpansTwo() throws IOException {
    byte[] gz = members(6, Arrays.copyOf(A, 400), Arrays.copyOfRange(A, 400, A.length));
    assertThat(ChunkDecoder.decode("L", chunk(0, A, 0, gz.length), gz)).isEqualTo(A);
  }

  @Test
  void corruptContentIsADigestMismatchNamingLayerAndChunk() throws IOException {
    byte[] gz = members(0, A); // stored: a flipped byte inflates fine but to different bytes
    gz[10 + 5 + 100] ^= 1;
    assertThatThrownBy(() -> ChunkDecoder.decode("sha256:abc", chunk(0, A, 4096, 9999), gz))
        .isInstanceOf(DigestMismatchException.class)
        .hasMessageContaining(
            "digest mismatch for chunk 0 (file bytes [0, 1000), blob offset 4096) of 'dir/file'"
                + " in layer sha256:abc: expected "
                + Digest.of(A));
  }

  @Test
  void brokenGzipIsReportedNotServed() throws IOException {
    byte[] gz = members(6, A);
    byte[] noHeader = Arrays.copyOfRange(gz, 1, gz.length);
    assertThatThrownBy(() -> ChunkDecoder.decode("L", chunk(0, A, 0, gz.length), noHeader))
        .isInstanceOf(InvalidEstargzException.class)
        .hasMessageContaining("in layer L: corrupt gzip data: no gzip member header");
    byte[] badDeflate = gz.clone();
    badDeflate[10] = (byte) 0xff; // invalid block type
    assertThatThrownBy(() -> ChunkDecoder.decode("L", chunk(0, A, 0, gz.length), badDeflate))
        .isInstanceOf(InvalidEstargzException.class)
        .hasMessageContaining("corrupt gzip data");
    byte[] truncated = Arrays.copyOf(gz, gz.length / 2);
    assertThatThrownBy(() -> ChunkDecoder.decode("L", chunk(0, A, 0, gz.length), truncated))
        .isInstanceOf(InvalidEstargzException.class)
        .hasMessageContaining("compressed data ends after");
    byte[] tooShort = members(6, Arrays.copyOf(A, 10));
    assertThatThrownBy(() -> ChunkDecoder.decode("L", chunk(0, A, 0, gz.length), tooShort))
        .isInstanceOf(InvalidEstargzException.class)
        .hasMessageContaining("compressed data ends after 10 of 1000 bytes");
  }
}
