package dev.tracefetch.layer.estargz;

import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.image.DigestMismatchException;
import java.io.IOException;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Turns the compressed bytes of one chunk's blob range into exactly the chunk's bytes, verified
 * against its {@code chunkDigest}. Bytes that fail to inflate or to hash to the digest are never
 * returned: a corrupt registry or cache must surface as an error (EIO), not as wrong file content.
 */
public final class ChunkDecoder {
  private ChunkDecoder() {}

  /**
   * Decodes {@code chunk} from {@code compressed}, the blob bytes starting at {@link
   * EstargzChunk#compressedOffset()} (the whole range up to {@link EstargzChunk#compressedEnd()},
   * or any prefix of it long enough to hold the chunk).
   *
   * @param layer how to name the layer in errors (usually its digest)
   * @throws DigestMismatchException when the bytes do not match the chunk digest
   * @throws InvalidEstargzException when the bytes are not valid gzip or end too early
   */
  public static byte[] decode(String layer, EstargzChunk chunk, byte[] compressed)
      throws IOException {
    return decode(layer, chunk, compressed, 0, compressed.length);
  }

  /** Like {@link #decode(String, EstargzChunk, byte[])} on {@code compressed[off, off+len)}. */
  public static byte[] decode(String layer, EstargzChunk chunk, byte[] compressed, int off, int len)
      throws IOException {
    byte[] out = new byte[chunk.chunkSize()];
    Inflater inflater = new Inflater(true);
    try {
      int pos = off;
      int end = off + len;
      pos = skipHeader(layer, chunk, compressed, pos, end);
      inflater.setInput(compressed, pos, end - pos);
      long toSkip = chunk.innerOffset();
      byte[] scratch = toSkip > 0 ? new byte[(int) Math.min(toSkip, 64 << 10)] : null;
      int filled = 0;
      while (filled < out.length) {
        int n;
        if (toSkip > 0) {
          n = inflater.inflate(scratch, 0, (int) Math.min(toSkip, scratch.length));
          toSkip -= n;
        } else {
          n = inflater.inflate(out, filled, out.length - filled);
          filled += n;
        }
        if (n > 0) {
          continue;
        }
        if (inflater.finished()) {
          // The member ended before the chunk did; continue into the next member, if any.
          pos = end - inflater.getRemaining() + 8;
          if (pos >= end) {
            throw truncated(layer, chunk, filled);
          }
          pos = skipHeader(layer, chunk, compressed, pos, end);
          inflater.reset();
          inflater.setInput(compressed, pos, end - pos);
        } else if (inflater.needsInput()) {
          throw truncated(layer, chunk, filled);
        } else if (inflater.needsDictionary()) {
          throw corrupt(layer, chunk, "deflate stream needs a preset dictionary", null);
        }
      }
    } catch (DataFormatException e) {
      throw corrupt(layer, chunk, e.getMessage(), e);
    } finally {
      inflater.end();
    }
    Digest actual = Digest.of(out);
    if (!actual.equals(chunk.chunkDigest())) {
      throw new DigestMismatchException(
          chunk.describe() + " in layer " + layer, chunk.chunkDigest(), actual);
    }
    return out;
  }

  /** Skips a gzip member header at {@code pos}; returns where the deflate data starts. */
  private static int skipHeader(String layer, EstargzChunk chunk, byte[] b, int pos, int end)
      throws InvalidEstargzException {
    if (end - pos < 10
        || (b[pos] & 0xff) != 0x1f
        || (b[pos + 1] & 0xff) != 0x8b
        || b[pos + 2] != 8) {
      throw corrupt(layer, chunk, "no gzip member header at its offset", null);
    }
    int flags = b[pos + 3] & 0xff;
    int p = pos + 10;
    if ((flags & 0x04) != 0) { // FEXTRA
      if (end - p < 2) {
        throw corrupt(layer, chunk, "gzip header truncated", null);
      }
      p += 2 + ((b[p] & 0xff) | (b[p + 1] & 0xff) << 8);
    }
    for (int flag : new int[] {0x08, 0x10}) { // FNAME, FCOMMENT
      if ((flags & flag) != 0) {
        while (p < end && b[p] != 0) {
          p++;
        }
        p++;
      }
    }
    if ((flags & 0x02) != 0) { // FHCRC
      p += 2;
    }
    if (p > end) {
      throw corrupt(layer, chunk, "gzip header truncated", null);
    }
    return p;
  }

  private static InvalidEstargzException truncated(String layer, EstargzChunk chunk, int got) {
    return new InvalidEstargzException(
        chunk.describe()
            + " in layer "
            + layer
            + ": compressed data ends after "
            + got
            + " of "
            + chunk.chunkSize()
            + " bytes");
  }

  private static InvalidEstargzException corrupt(
      String layer, EstargzChunk chunk, String why, Throwable cause) {
    return new InvalidEstargzException(
        chunk.describe() + " in layer " + layer + ": corrupt gzip data: " + why, cause);
  }
}
