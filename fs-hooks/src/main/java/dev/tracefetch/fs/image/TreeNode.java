package dev.tracefetch.fs.image;

import dev.tracefetch.layer.tar.Xattrs;
import dev.tracefetch.oci.image.Digest;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;

/**
 * One inode of a merged image: what {@code stat} shows plus, for regular files, the chunks that
 * hold the data. Hard links are the same {@code TreeNode} reachable under several names. Immutable,
 * so FUSE threads share it without locks.
 */
public final class TreeNode {
  private final long inode;
  private final EntryType type;
  private final int mode;
  private final int uid;
  private final int gid;
  private final long size;
  private final Instant mtime;
  private final String linkName;
  private final int devMajor;
  private final int devMinor;
  private final Xattrs xattrs;
  private final Digest contentDigest;
  private final int layer;
  private final List<ChunkRef> chunks;
  private final int nlink;
  private SortedMap<String, TreeNode> children;

  TreeNode(
      long inode,
      EntryType type,
      int mode,
      int uid,
      int gid,
      long size,
      Instant mtime,
      String linkName,
      int devMajor,
      int devMinor,
      Xattrs xattrs,
      Digest contentDigest,
      int layer,
      List<ChunkRef> chunks,
      int nlink) {
    this.inode = inode;
    this.type = type;
    this.mode = mode;
    this.uid = uid;
    this.gid = gid;
    this.size = size;
    this.mtime = mtime;
    this.linkName = linkName;
    this.devMajor = devMajor;
    this.devMinor = devMinor;
    this.xattrs = xattrs;
    this.contentDigest = contentDigest;
    this.layer = layer;
    this.chunks = List.copyOf(chunks);
    this.nlink = nlink;
    this.children = type == EntryType.DIR ? Collections.emptySortedMap() : null;
  }

  /** Set once while the tree is frozen, before the node is published. */
  void setChildren(SortedMap<String, TreeNode> children) {
    this.children = Collections.unmodifiableSortedMap(children);
  }

  /** Stable inode number (1 = root), equal for all names of a hard-linked file. */
  public long inode() {
    return inode;
  }

  /** Entry type; never {@link EntryType#HARDLINK}. */
  public EntryType type() {
    return type;
  }

  /** Permission bits ({@code 07777}). */
  public int mode() {
    return mode;
  }

  /** The full {@code st_mode}: type bits plus permission bits. */
  public int stMode() {
    return type.formatBits() | mode;
  }

  public int uid() {
    return uid;
  }

  public int gid() {
    return gid;
  }

  /** File size; for a symlink the length of its target, for other types 0. */
  public long size() {
    return size;
  }

  public Instant mtime() {
    return mtime;
  }

  /** Symlink target; empty for other types. */
  public String linkName() {
    return linkName;
  }

  public int devMajor() {
    return devMajor;
  }

  public int devMinor() {
    return devMinor;
  }

  public Xattrs xattrs() {
    return xattrs;
  }

  /** Whole-file sha256 when the layer stated it, else null. */
  public Digest contentDigest() {
    return contentDigest;
  }

  /**
   * Index of the layer the visible node comes from (for a directory no layer declared: the lowest
   * layer that implies it).
   */
  public int layer() {
    return layer;
  }

  /** Data chunks of a regular file, in file order; empty for other types and empty files. */
  public List<ChunkRef> chunks() {
    return chunks;
  }

  /** Number of names of this node; for a directory 2 plus its subdirectories. */
  public int nlink() {
    return nlink;
  }

  /** Children of a directory by name, sorted; empty map for other types. */
  public SortedMap<String, TreeNode> children() {
    return children == null ? Collections.emptySortedMap() : children;
  }

  public boolean isDirectory() {
    return type == EntryType.DIR;
  }

  /**
   * The chunks overlapping {@code [offset, offset + length)}, clipped to the file size; empty for a
   * range past the end. Binary search, so reads of huge files stay cheap.
   */
  public List<ChunkRef> chunksOverlapping(long offset, long length) {
    if (chunks.isEmpty() || length <= 0 || offset >= size || offset < 0) {
      return List.of();
    }
    long end = Math.min(size, offset + length);
    int first = indexOfChunkAt(offset);
    int last = indexOfChunkAt(end - 1);
    return chunks.subList(first, last + 1);
  }

  /** Index of the chunk holding file byte {@code offset} (which must be inside the file). */
  public int indexOfChunkAt(long offset) {
    int lo = 0;
    int hi = chunks.size() - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (chunks.get(mid).fileOffset() <= offset) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  @Override
  public String toString() {
    return type + " inode " + inode + " mode " + Integer.toOctalString(mode) + " size " + size;
  }
}
