package dev.tracefetch.api.files;

import com.github.luben.zstd.RecyclingBufferPool;
import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;

/**
 * Writes and reads the header + zstd + protobuf envelope shared by trace and replay files. Reads
 * are bounded: the declared length is checked against {@link ReadLimits} before allocation, and a
 * payload shorter or longer than declared is refused as truncated or corrupt.
 */
final class EnvelopeCodec {
  private static final int ZSTD_LEVEL = 6;

  private EnvelopeCodec() {}

  static byte[] toBytes(PayloadKind kind, MessageLite message) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      write(kind, message, out);
    } catch (IOException e) {
      throw new IllegalStateException("writing to memory cannot fail", e);
    }
    return out.toByteArray();
  }

  static void write(PayloadKind kind, MessageLite message, OutputStream out) throws IOException {
    out.write(FileHeader.current(kind, message.getSerializedSize()).toBytes());
    ZstdOutputStream zstd = new ZstdOutputStream(new NonClosingOutputStream(out), ZSTD_LEVEL);
    zstd.setChecksum(true);
    message.writeTo(zstd);
    zstd.close();
    out.flush();
  }

  /** Writes to a temporary file beside {@code target} and renames it, so no reader sees half. */
  static void writeAtomically(PayloadKind kind, MessageLite message, Path target)
      throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
    try {
      try (OutputStream out = Files.newOutputStream(tmp)) {
        write(kind, message, out);
      }
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  static <T extends MessageLite> T read(
      InputStream in, PayloadKind expected, Parser<T> parser, ReadLimits limits)
      throws IOException {
    byte[] payload = readPayload(in, expected, limits);
    try {
      CodedInputStream coded = CodedInputStream.newInstance(payload);
      coded.setSizeLimit(payload.length);
      T message = parser.parseFrom(coded);
      coded.checkLastTagWas(0);
      return message;
    } catch (InvalidProtocolBufferException e) {
      throw new FileFormatException(
          "corrupt " + expected.displayName() + " payload: " + e.getMessage(), e);
    }
  }

  /** The checked header, then the decompressed protobuf payload, not yet parsed. */
  static byte[] readPayload(InputStream in, PayloadKind expected, ReadLimits limits)
      throws IOException {
    FileHeader header = FileHeader.read(in);
    if (header.kind() != expected) {
      throw new FileFormatException(
          "expected a " + expected.displayName() + " file, got a " + header.kind().displayName());
    }
    if (header.payloadLength() > limits.maxPayloadBytes()) {
      throw new FileFormatException(
          "declared payload of "
              + header.payloadLength()
              + " bytes exceeds the limit of "
              + limits.maxPayloadBytes()
              + " bytes");
    }
    return decompress(in, (int) header.payloadLength());
  }

  /**
   * Decompresses exactly {@code length} bytes. The buffer grows with the bytes actually
   * decompressed (never to more than {@code length}), so a header declaring a large payload in
   * front of a few bytes of data costs memory in proportion to the data, not to the claim.
   */
  private static byte[] decompress(InputStream in, int length) throws IOException {
    byte[] payload;
    int initial = initialCapacity(length, in.available());
    try (ZstdInputStream zstd =
        new ZstdInputStream(new NonClosingInputStream(in), RecyclingBufferPool.INSTANCE)) {
      payload = new byte[initial];
      int read = 0;
      while (true) {
        int n = zstd.read(payload, read, payload.length - read);
        if (n < 0) {
          break;
        }
        read += n;
        if (read == payload.length) {
          if (read == length) {
            break;
          }
          payload = Arrays.copyOf(payload, (int) Math.min(length, 2L * payload.length));
        }
      }
      if (read < length) {
        throw new FileFormatException(
            "truncated file: payload has " + read + " of " + length + " declared bytes");
      }
      if (zstd.read() != -1) {
        throw new FileFormatException("corrupt file: payload is longer than the declared length");
      }
    } catch (FileFormatException e) {
      throw e;
    } catch (IOException e) {
      throw new FileFormatException(
          "truncated or corrupt compressed payload: " + e.getMessage(), e);
    }
    return payload;
  }

  /**
   * Where the payload buffer starts: the declared length when the compressed bytes at hand could
   * plausibly hold it (one array, no copies, for every ordinary file), else a size in proportion to
   * those bytes, grown by doubling as data actually arrives.
   */
  static int initialCapacity(int length, int compressedAvailable) {
    long plausible = Math.max(64 * 1024L, 32L * compressedAvailable);
    return (int) Math.min(length, plausible);
  }

  private static final class NonClosingOutputStream extends java.io.FilterOutputStream {
    NonClosingOutputStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }

  private static final class NonClosingInputStream extends java.io.FilterInputStream {
    NonClosingInputStream(InputStream in) {
      super(in);
    }

    @Override
    public void close() {}
  }
}
