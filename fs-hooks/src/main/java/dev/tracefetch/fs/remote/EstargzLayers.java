package dev.tracefetch.fs.remote;

import dev.tracefetch.fs.image.ChunkKey;
import dev.tracefetch.fs.image.ChunkRef;
import dev.tracefetch.fs.image.EntryType;
import dev.tracefetch.fs.image.Layer;
import dev.tracefetch.fs.image.LayerEntry;
import dev.tracefetch.layer.estargz.Estargz;
import dev.tracefetch.layer.estargz.EstargzChunk;
import dev.tracefetch.layer.estargz.EstargzFile;
import dev.tracefetch.layer.estargz.EstargzIndex;
import dev.tracefetch.layer.estargz.TocEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns an eStargz layer index into the neutral per-layer model the merged tree is built from. Each
 * chunk key carries the blob range the index computed, so fetching a chunk needs no further
 * lookups. Landmark files are eStargz bookkeeping, not image content, and are left out (as
 * stargz-snapshotter hides them); directories the TOC only implies are left to the merge.
 */
public final class EstargzLayers {
  private EstargzLayers() {}

  /** The entries of layer {@code layerIndex} (0 = lowest) described by {@code index}. */
  public static Layer toLayer(int layerIndex, EstargzIndex index) {
    List<LayerEntry> entries = new ArrayList<>();
    for (EstargzFile f : index.files()) {
      if (f.implicit() || Estargz.isLandmark(f.path())) {
        continue;
      }
      entries.add(toEntry(layerIndex, f));
    }
    return new Layer(index.layer(), entries);
  }

  static LayerEntry toEntry(int layerIndex, EstargzFile f) {
    TocEntry e = f.entry();
    String name = f.path().isEmpty() ? "./" : f.path();
    EntryType type =
        f.hardlinkTarget() != null
            ? EntryType.HARDLINK
            : switch (e.type()) {
              case DIR -> EntryType.DIR;
              case REG -> EntryType.REG;
              case SYMLINK -> EntryType.SYMLINK;
              case HARDLINK -> EntryType.HARDLINK;
              case CHAR -> EntryType.CHAR;
              case BLOCK -> EntryType.BLOCK;
              case FIFO -> EntryType.FIFO;
              case CHUNK ->
                  throw new IllegalArgumentException(
                      "layer " + layerIndex + ": chunk entry '" + e.name() + "' listed as a file");
            };
    LayerEntry.Builder b =
        LayerEntry.builder(name, type)
            .mode(f.permissions())
            .owner((int) e.uid(), (int) e.gid())
            .mtime(e.modTime() == null ? Instant.EPOCH : e.modTime())
            .xattrs(e.xattrs());
    switch (type) {
      case HARDLINK -> b.linkName(f.hardlinkTarget() != null ? f.hardlinkTarget() : e.linkName());
      case SYMLINK -> b.linkName(e.linkName());
      case CHAR, BLOCK -> b.device((int) e.devMajor(), (int) e.devMinor());
      case REG -> {
        b.size(f.size()).contentDigest(e.digest());
        for (EstargzChunk c : f.chunks()) {
          b.addChunk(new ChunkRef(c.chunkOffset(), key(layerIndex, c)));
        }
      }
      default -> {}
    }
    return b.build();
  }

  /** The chunk key of {@code c}: blob range, inner offset, size and digest. */
  public static ChunkKey key(int layerIndex, EstargzChunk c) {
    return new ChunkKey(
        layerIndex,
        c.compressedOffset(),
        c.compressedLength(),
        c.innerOffset(),
        c.chunkSize(),
        c.chunkDigest());
  }
}
