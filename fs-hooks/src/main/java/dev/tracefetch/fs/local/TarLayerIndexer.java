package dev.tracefetch.fs.local;

import dev.tracefetch.fs.image.ChunkKey;
import dev.tracefetch.fs.image.ChunkRef;
import dev.tracefetch.fs.image.EntryType;
import dev.tracefetch.fs.image.Layer;
import dev.tracefetch.fs.image.LayerEntry;
import dev.tracefetch.layer.tar.TarHeader;
import dev.tracefetch.layer.tar.TarReader;
import dev.tracefetch.oci.image.Digest;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;

/**
 * Indexes an uncompressed tar layer on local disk so the filesystem can serve it in place: every
 * regular file's payload is cut into fixed-size chunks whose keys point at their offset in the tar
 * file. This is how a layer that is not seekable (plain tar.gz or tar.zst) is served once it has
 * been downloaded and decompressed.
 */
public final class TarLayerIndexer {
  private TarLayerIndexer() {}

  /**
   * Reads {@code tar} once and returns it as layer {@code layerIndex}.
   *
   * @param id how messages name the layer (usually the blob digest)
   * @param chunkSize size of the chunks files are cut into
   */
  public static LocalLayer index(int layerIndex, String id, Path tar, int chunkSize)
      throws IOException {
    if (chunkSize <= 0 || chunkSize > ChunkKey.MAX_SIZE) {
      throw new IllegalArgumentException("chunk size out of range: " + chunkSize);
    }
    java.util.List<LayerEntry> entries = new java.util.ArrayList<>();
    byte[] buf = new byte[chunkSize];
    try (TarReader reader =
        new TarReader(new BufferedInputStream(Files.newInputStream(tar), 1 << 16))) {
      TarHeader h;
      while ((h = reader.next()) != null) {
        EntryType type =
            switch (h.type()) {
              case REGULAR -> EntryType.REG;
              case HARDLINK -> EntryType.HARDLINK;
              case SYMLINK -> EntryType.SYMLINK;
              case CHAR_DEVICE -> EntryType.CHAR;
              case BLOCK_DEVICE -> EntryType.BLOCK;
              case DIRECTORY -> EntryType.DIR;
              case FIFO -> EntryType.FIFO;
            };
        LayerEntry.Builder b =
            LayerEntry.builder(h.name(), type)
                .mode((int) (h.mode() & 07777))
                .owner((int) h.uid(), (int) h.gid())
                .mtime(h.modTime() == null ? Instant.EPOCH : h.modTime())
                .xattrs(h.xattrs());
        switch (type) {
          case SYMLINK, HARDLINK -> b.linkName(h.linkName());
          case CHAR, BLOCK -> b.device((int) h.devMajor(), (int) h.devMinor());
          case REG -> chunk(layerIndex, reader, h, b, buf);
          default -> {}
        }
        entries.add(b.build());
      }
    }
    return new LocalLayer(layerIndex, new Layer(id, entries), tar);
  }

  private static void chunk(
      int layerIndex, TarReader reader, TarHeader h, LayerEntry.Builder b, byte[] buf)
      throws IOException {
    long base = reader.payloadOffset();
    MessageDigest whole = Digest.newSha256();
    InputStream payload = reader.payload();
    long size = h.size();
    long off = 0;
    while (off < size) {
      int want = (int) Math.min(buf.length, size - off);
      int n = payload.readNBytes(buf, 0, want);
      if (n != want) {
        throw new EOFException("tar entry '" + h.name() + "' ends after " + (off + n) + " bytes");
      }
      whole.update(buf, 0, n);
      Digest d = Digest.of(Arrays.copyOf(buf, n));
      b.addChunk(new ChunkRef(off, new ChunkKey(layerIndex, base + off, n, 0, n, d)));
      off += n;
    }
    b.size(size).contentDigest(Digest.ofSha256Bytes(whole.digest()));
  }
}
