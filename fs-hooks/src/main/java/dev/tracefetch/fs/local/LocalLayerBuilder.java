package dev.tracefetch.fs.local;

import dev.tracefetch.fs.image.ChunkKey;
import dev.tracefetch.fs.image.ChunkRef;
import dev.tracefetch.fs.image.EntryType;
import dev.tracefetch.fs.image.Layer;
import dev.tracefetch.fs.image.LayerEntry;
import dev.tracefetch.fs.image.MergedTree;
import dev.tracefetch.layer.tar.Xattrs;
import dev.tracefetch.oci.image.Digest;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Writes a layer straight to local disk: file contents go into one data file, split into chunks of
 * a fixed size, and the entries point at them. It gives the filesystem real data to serve without a
 * registry (tests, benchmarks, and later layers that had to be downloaded whole).
 */
public final class LocalLayerBuilder implements AutoCloseable {
  /** Default chunk size of eStargz writers. */
  public static final int DEFAULT_CHUNK_SIZE = 4 << 20;

  private final int index;
  private final Path blob;
  private final int chunkSize;
  private final OutputStream out;
  private final List<LayerEntry> entries = new ArrayList<>();
  private long written;

  /** Starts layer {@code index}, writing its data to {@code blob}. */
  public LocalLayerBuilder(int index, Path blob, int chunkSize) throws IOException {
    if (chunkSize <= 0 || chunkSize > ChunkKey.MAX_SIZE) {
      throw new IllegalArgumentException("chunk size out of range: " + chunkSize);
    }
    this.index = index;
    this.blob = blob;
    this.chunkSize = chunkSize;
    this.out =
        Files.newOutputStream(
            blob,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE);
  }

  /** Adds any entry; for a regular file {@code content} is its data (size and chunks are set). */
  public LocalLayerBuilder add(LayerEntry.Builder entry, byte[] content) throws IOException {
    if (content != null) {
      entry.size(content.length).contentDigest(Digest.of(content));
      for (int off = 0; off < content.length; off += chunkSize) {
        int len = Math.min(chunkSize, content.length - off);
        byte[] piece = Arrays.copyOfRange(content, off, off + len);
        out.write(piece);
        entry.addChunk(
            new ChunkRef(off, new ChunkKey(index, written, len, 0, len, Digest.of(piece))));
        written += len;
      }
    }
    entries.add(entry.build());
    return this;
  }

  public LocalLayerBuilder dir(String name, int mode) throws IOException {
    return add(LayerEntry.builder(name, EntryType.DIR).mode(mode), null);
  }

  public LocalLayerBuilder file(String name, byte[] content, int mode) throws IOException {
    return add(LayerEntry.builder(name, EntryType.REG).mode(mode), content);
  }

  public LocalLayerBuilder file(String name, byte[] content, int mode, Map<String, byte[]> xattrs)
      throws IOException {
    return add(
        LayerEntry.builder(name, EntryType.REG).mode(mode).xattrs(Xattrs.of(xattrs)), content);
  }

  public LocalLayerBuilder symlink(String name, String target) throws IOException {
    return add(LayerEntry.builder(name, EntryType.SYMLINK).linkName(target), null);
  }

  public LocalLayerBuilder hardlink(String name, String target) throws IOException {
    return add(LayerEntry.builder(name, EntryType.HARDLINK).linkName(target), null);
  }

  public LocalLayerBuilder charDevice(String name, int mode, int major, int minor)
      throws IOException {
    return add(LayerEntry.builder(name, EntryType.CHAR).mode(mode).device(major, minor), null);
  }

  public LocalLayerBuilder blockDevice(String name, int mode, int major, int minor)
      throws IOException {
    return add(LayerEntry.builder(name, EntryType.BLOCK).mode(mode).device(major, minor), null);
  }

  public LocalLayerBuilder fifo(String name, int mode) throws IOException {
    return add(LayerEntry.builder(name, EntryType.FIFO).mode(mode), null);
  }

  /** A whiteout hiding {@code name} of the layers below. */
  public LocalLayerBuilder whiteout(String name) throws IOException {
    int slash = name.lastIndexOf('/');
    String wh =
        name.substring(0, slash + 1) + MergedTree.WHITEOUT_PREFIX + name.substring(slash + 1);
    return add(LayerEntry.builder(wh, EntryType.REG).mode(0), null);
  }

  /** Makes directory {@code dir} opaque: nothing of the layers below shows through. */
  public LocalLayerBuilder opaque(String dir) throws IOException {
    String prefix = dir.isEmpty() || dir.endsWith("/") ? dir : dir + "/";
    return add(LayerEntry.builder(prefix + MergedTree.OPAQUE_MARKER, EntryType.REG).mode(0), null);
  }

  /** Finishes the data file and returns the layer. */
  public LocalLayer build(String id) throws IOException {
    out.close();
    return new LocalLayer(index, new Layer(id, entries), blob);
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
