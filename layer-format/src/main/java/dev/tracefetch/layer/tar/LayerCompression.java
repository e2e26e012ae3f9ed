package dev.tracefetch.layer.tar;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * How a layer blob is compressed, told from its first bytes rather than from a media type that a
 * registry or a tool may have got wrong. Converters take any layer and work on the plain tar.
 */
public enum LayerCompression {
  /** An uncompressed tar stream. */
  TAR,
  /** gzip, possibly several concatenated members (every eStargz blob is one). */
  GZIP,
  /** zstd, possibly several frames. */
  ZSTD;

  /** Bytes needed by {@link #detect(byte[], int)} to recognise an uncompressed tar. */
  public static final int SNIFF_LENGTH = 512;

  /**
   * Identifies the compression of a stream starting with {@code head[0..length)}.
   *
   * @throws TarFormatException when the bytes are neither gzip, zstd nor a tar header
   */
  public static LayerCompression detect(byte[] head, int length) throws TarFormatException {
    if (length >= 3 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b && head[2] == 8) {
      return GZIP;
    }
    if (length >= 4
        && (head[0] & 0xff) == 0x28
        && (head[1] & 0xff) == 0xb5
        && (head[2] & 0xff) == 0x2f
        && (head[3] & 0xff) == 0xfd) {
      return ZSTD;
    }
    if (length == 0) {
      return TAR; // an empty layer: nothing to decompress
    }
    if (length >= TarFields.BLOCK) {
      byte[] block = Arrays.copyOf(head, TarFields.BLOCK);
      if (TarFields.isZero(block)) {
        return TAR;
      }
      try {
        long stored =
            TarFields.parseNumber(block, TarFields.CHKSUM, TarFields.CHKSUM_LEN, "checksum", 0);
        if (stored == TarFields.unsignedChecksum(block)
            || stored == TarFields.signedChecksum(block)) {
          return TAR;
        }
      } catch (TarFormatException e) {
        // fall through: not a tar header
      }
    }
    throw new TarFormatException(
        "layer is neither gzip, zstd nor tar (starts with "
            + TarFields.printable(head, 0, Math.min(length, 16))
            + ")");
  }

  /**
   * Wraps {@code in} so that reading yields the uncompressed tar stream, whatever the layer's
   * compression. Closing the result closes {@code in}.
   */
  public static InputStream decompressed(InputStream in) throws IOException {
    BufferedInputStream buffered = new BufferedInputStream(in, 64 << 10);
    buffered.mark(SNIFF_LENGTH);
    byte[] head = buffered.readNBytes(SNIFF_LENGTH);
    buffered.reset();
    return switch (detect(head, head.length)) {
      case TAR -> buffered;
      case GZIP ->
          GzipCompressorInputStream.builder()
              .setInputStream(buffered)
              .setDecompressConcatenated(true)
              .get();
      case ZSTD -> new ZstdInputStreamNoFinalizer(buffered);
    };
  }
}
