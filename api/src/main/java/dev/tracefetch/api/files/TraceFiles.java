package dev.tracefetch.api.files;

import dev.tracefetch.api.v1.Trace;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads and writes trace files: the format nodes, the recorder, the builder and the trace store
 * exchange on disk and on the wire (see {@link FileHeader} for the layout).
 */
public final class TraceFiles {
  private TraceFiles() {}

  public static byte[] toBytes(Trace message) {
    return EnvelopeCodec.toBytes(PayloadKind.TRACE, message);
  }

  public static void write(Trace message, OutputStream out) throws IOException {
    EnvelopeCodec.write(PayloadKind.TRACE, message, out);
  }

  /** Writes {@code path} atomically (temporary file + rename). */
  public static void write(Trace message, Path path) throws IOException {
    EnvelopeCodec.writeAtomically(PayloadKind.TRACE, message, path);
  }

  public static Trace read(InputStream in, ReadLimits limits) throws IOException {
    return EnvelopeCodec.read(in, PayloadKind.TRACE, Trace.parser(), limits);
  }

  public static Trace read(byte[] bytes, ReadLimits limits) throws IOException {
    return read(new java.io.ByteArrayInputStream(bytes), limits);
  }

  /**
   * Checks the header of a trace file and returns its decompressed protobuf payload without parsing
   * it: for readers that scan the {@code Trace} fields themselves (the trace store's upload path)
   * instead of building the whole message tree.
   *
   * @throws FileFormatException wrong magic, kind or version, a payload over the limits, or a
   *     truncated or corrupt compressed payload
   */
  public static byte[] readPayload(byte[] bytes, ReadLimits limits) throws IOException {
    return EnvelopeCodec.readPayload(
        new java.io.ByteArrayInputStream(bytes), PayloadKind.TRACE, limits);
  }

  /** Reads {@code path}; errors name the file. */
  public static Trace read(Path path, ReadLimits limits) throws IOException {
    try (InputStream in = Files.newInputStream(path)) {
      return read(new java.io.BufferedInputStream(in), limits);
    } catch (FileFormatException e) {
      throw new FileFormatException(path + ": " + e.getMessage(), e);
    }
  }
}
