package dev.tracefetch.oci.layout;

import dev.tracefetch.oci.image.Digest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/** Small tar+gzip layers built in code, and their reading back, for layout tests. */
final class TestLayers {
  private TestLayers() {}

  /** A compressed layer and the digest of its uncompressed tar (the config's diff_id). */
  record Layer(byte[] compressed, Digest diffId) {}

  /** A layer with a directory {@code app/} and the given regular files (path to text). */
  static Layer tarGz(Map<String, String> files) throws IOException {
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    try (TarArchiveOutputStream out = new TarArchiveOutputStream(tar)) {
      out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      TarArchiveEntry dir = new TarArchiveEntry("app/");
      dir.setMode(040755);
      out.putArchiveEntry(dir);
      out.closeArchiveEntry();
      for (Map.Entry<String, String> f : files.entrySet()) {
        byte[] content = f.getValue().getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry e = new TarArchiveEntry(f.getKey());
        e.setMode(0100644);
        e.setSize(content.length);
        out.putArchiveEntry(e);
        out.write(content);
        out.closeArchiveEntry();
      }
    }
    byte[] tarBytes = tar.toByteArray();
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GzipCompressorOutputStream out = new GzipCompressorOutputStream(gz)) {
      out.write(tarBytes);
    }
    return new Layer(gz.toByteArray(), Digest.of(tarBytes));
  }

  /** The regular files of a tar+gzip layer stream (path to text), read to the end. */
  static Map<String, String> files(InputStream compressed) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    try (TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(compressed))) {
      for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
        if (e.isFile()) {
          out.put(e.getName(), new String(tar.readAllBytes(), StandardCharsets.UTF_8));
        }
      }
    }
    return out;
  }

  static Map<String, String> files(byte[] compressed) throws IOException {
    return files(new ByteArrayInputStream(compressed));
  }
}
