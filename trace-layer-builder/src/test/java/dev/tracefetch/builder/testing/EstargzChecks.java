package dev.tracefetch.builder.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracefetch.layer.estargz.BlobRangeReader;
import dev.tracefetch.layer.estargz.ChunkDecoder;
import dev.tracefetch.layer.estargz.Estargz;
import dev.tracefetch.layer.estargz.EstargzChunk;
import dev.tracefetch.layer.estargz.EstargzFile;
import dev.tracefetch.layer.estargz.EstargzIndex;
import dev.tracefetch.layer.estargz.EstargzReader;
import dev.tracefetch.layer.estargz.TocEntryType;
import dev.tracefetch.oci.image.Descriptor;
import dev.tracefetch.oci.image.Digest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/** Checks an eStargz blob the way a lazy runtime would use it, with our reader. */
public final class EstargzChecks {
  private EstargzChecks() {}

  /**
   * Asserts that {@code blob} matches {@code layer} (digest, size), that its footer and TOC are
   * valid and the TOC digest is the annotation's, that every chunk decodes and verifies, that the
   * chunks of every file concatenate to the file's digest, and that the uncompressed-size
   * annotation and {@code diffId} describe the whole uncompressed blob. Returns the index.
   */
  public static EstargzIndex verify(Descriptor layer, byte[] blob, Digest diffId)
      throws IOException {
    assertThat(Digest.of(blob)).as("blob digest").isEqualTo(layer.digest());
    assertThat((long) blob.length).as("blob size").isEqualTo(layer.size());
    assertThat(Estargz.isEstargz(layer)).as("eStargz annotations on " + layer).isTrue();
    Digest toc = Estargz.tocDigest(layer).orElseThrow();
    EstargzIndex index =
        EstargzReader.open(layer.digest().toString(), BlobRangeReader.ofBytes(blob), toc);
    assertThat(index.tocDigest()).isEqualTo(toc);
    int chunks = 0;
    for (EstargzFile f : index.files()) {
      if (f.type() != TocEntryType.REG || f.hardlinkTarget() != null) {
        continue;
      }
      ByteArrayOutputStream content = new ByteArrayOutputStream();
      for (EstargzChunk c : f.chunks()) {
        byte[] data =
            ChunkDecoder.decode(
                layer.digest().toString(),
                c,
                blob,
                (int) c.compressedOffset(),
                (int) c.compressedLength());
        content.writeBytes(data);
        chunks++;
      }
      assertThat((long) content.size()).as("size of " + f.path()).isEqualTo(f.size());
      if (f.entry().digest() != null) {
        assertThat(Digest.of(content.toByteArray()))
            .as("digest of " + f.path())
            .isEqualTo(f.entry().digest());
      }
    }
    byte[] tar = gunzip(blob);
    assertThat(layer.annotations().get(Estargz.UNCOMPRESSED_SIZE_ANNOTATION))
        .isEqualTo(Long.toString(tar.length));
    assertThat(Digest.of(tar)).as("diff ID").isEqualTo(diffId);
    assertThat(chunks).isGreaterThanOrEqualTo(0);
    return index;
  }

  /** All gzip members of {@code blob}, decompressed and concatenated. */
  public static byte[] gunzip(byte[] blob) throws IOException {
    try (InputStream in =
        GzipCompressorInputStream.builder()
            .setInputStream(new ByteArrayInputStream(blob))
            .setDecompressConcatenated(true)
            .get()) {
      return in.readAllBytes();
    }
  }

  /** One tar entry: name, type flag, link target and content. */
  public record Entry(
      String name,
      byte type,
      String link,
      int mode,
      long uid,
      long gid,
      long mtimeSeconds,
      Digest content) {}

  /** The entries of an uncompressed tar in order, names as written. */
  public static List<Entry> entries(byte[] tar) throws IOException {
    List<Entry> out = new ArrayList<>();
    try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
      TarArchiveEntry e;
      while ((e = in.getNextEntry()) != null) {
        byte[] data = in.readAllBytes();
        out.add(
            new Entry(
                e.getName(),
                typeOf(e),
                e.isSymbolicLink() || e.isLink() ? e.getLinkName() : null,
                e.getMode() & 07777,
                e.getLongUserId(),
                e.getLongGroupId(),
                e.getModTime().getTime() / 1000,
                e.isFile() && !e.isLink() ? Digest.of(data) : null));
      }
    }
    return out;
  }

  /** Entries by normalised name ({@code ./} and trailing {@code /} dropped). */
  public static Map<String, Entry> byName(List<Entry> entries) {
    Map<String, Entry> m = new LinkedHashMap<>();
    for (Entry e : entries) {
      String n = e.name();
      while (n.startsWith("./")) {
        n = n.substring(2);
      }
      while (n.endsWith("/")) {
        n = n.substring(0, n.length() - 1);
      }
      m.put(
          n,
          new Entry(
              n, e.type(), e.link(), e.mode(), e.uid(), e.gid(), e.mtimeSeconds(), e.content()));
    }
    return m;
  }

  private static byte typeOf(TarArchiveEntry e) {
    if (e.isDirectory()) {
      return '5';
    }
    if (e.isSymbolicLink()) {
      return '2';
    }
    if (e.isLink()) {
      return '1';
    }
    return '0';
  }
}
