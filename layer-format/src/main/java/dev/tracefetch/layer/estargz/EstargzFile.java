package dev.tracefetch.layer.estargz;

import java.util.List;
import java.util.Objects;

/**
 * A file-system object of an eStargz layer as a lazy mount serves it: its metadata from the TOC
 * (with user and group names filled in where the TOC gave them only once), its data chunks, and
 * what the TOC leaves implicit (directories without an entry, link counts, hardlink resolution).
 *
 * @param path normalised path relative to the layer root ("" for the root)
 * @param entry the TOC entry (for implicit directories a synthesised {@code dir} entry with mode
 *     0755); {@code entry.name()} is the name exactly as in the TOC
 * @param chunks data chunks in file order; empty unless a non-empty regular file
 * @param hardlinkTarget for hardlinks, the normalised path of the file whose data and metadata they
 *     share (chains resolved); null otherwise
 * @param linkCount number of names of this object (directories: 2 + subdirectories)
 * @param implicit whether the directory had no entry of its own in the TOC
 */
public record EstargzFile(
    String path,
    TocEntry entry,
    List<EstargzChunk> chunks,
    String hardlinkTarget,
    int linkCount,
    boolean implicit) {

  public EstargzFile {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(entry, "entry");
    chunks = List.copyOf(chunks);
  }

  public TocEntryType type() {
    return entry.type();
  }

  /** File size for regular files, 0 otherwise. */
  public long size() {
    return entry.type() == TocEntryType.REG ? entry.size() : 0;
  }

  public boolean isDirectory() {
    return entry.type() == TocEntryType.DIR;
  }

  /** Permission, setuid/setgid and sticky bits (file-type bits some writers add are dropped). */
  public int permissions() {
    return (int) (entry.mode() & 07777);
  }

  /** The chunk holding byte {@code fileOffset}, or null past the end of the file. */
  public EstargzChunk chunkAt(long fileOffset) {
    int lo = 0;
    int hi = chunks.size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      EstargzChunk c = chunks.get(mid);
      if (fileOffset < c.chunkOffset()) {
        hi = mid - 1;
      } else if (fileOffset >= c.chunkEnd()) {
        lo = mid + 1;
      } else {
        return c;
      }
    }
    return null;
  }

  /** The chunks overlapping file bytes {@code [offset, offset + length)}, in order. */
  public List<EstargzChunk> chunksFor(long offset, long length) {
    if (length <= 0 || offset >= size() || offset < 0) {
      return List.of();
    }
    EstargzChunk first = chunkAt(offset);
    long end = Math.min(size(), offset + length);
    int from = first.index();
    int to = from;
    while (to + 1 < chunks.size() && chunks.get(to + 1).chunkOffset() < end) {
      to++;
    }
    return chunks.subList(from, to + 1);
  }
}
