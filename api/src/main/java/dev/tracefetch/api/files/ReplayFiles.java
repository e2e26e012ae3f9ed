package dev.tracefetch.api.files;

import dev.tracefetch.api.v1.ReplayPlan;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads and writes replay plan files: the format nodes, the recorder, the builder and the trace
 * store exchange on disk and on the wire (see {@link FileHeader} for the layout).
 */
public final class ReplayFiles {
  private ReplayFiles() {}

  public static byte[] toBytes(ReplayPlan message) {
    return EnvelopeCodec.toBytes(PayloadKind.REPLAY_PLAN, message);
  }

  public static void write(ReplayPlan message, OutputStream out) throws IOException {
    EnvelopeCodec.write(PayloadKind.REPLAY_PLAN, message, out);
  }

  /** Writes {@code path} atomically (temporary file + rename). */
  public static void write(ReplayPlan message, Path path) throws IOException {
    EnvelopeCodec.writeAtomically(PayloadKind.REPLAY_PLAN, message, path);
  }

  public static ReplayPlan read(InputStream in, ReadLimits limits) throws IOException {
    return EnvelopeCodec.read(in, PayloadKind.REPLAY_PLAN, ReplayPlan.parser(), limits);
  }

  public static ReplayPlan read(byte[] bytes, ReadLimits limits) throws IOException {
    return read(new java.io.ByteArrayInputStream(bytes), limits);
  }

  /** Reads {@code path}; errors name the file. */
  public static ReplayPlan read(Path path, ReadLimits limits) throws IOException {
    try (InputStream in = Files.newInputStream(path)) {
      return read(new java.io.BufferedInputStream(in), limits);
    } catch (FileFormatException e) {
      throw new FileFormatException(path + ": " + e.getMessage(), e);
    }
  }
}
