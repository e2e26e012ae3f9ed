package dev.tracefetch.fs.ops;

import java.time.Instant;

/**
 * What {@code stat} reports for one node, plus the layer it came from (for hooks).
 *
 * @param inode stable inode number
 * @param stMode type and permission bits
 * @param nlink link count
 * @param uid owner
 * @param gid group
 * @param size size in bytes
 * @param rdevMajor device major number (devices only)
 * @param rdevMinor device minor number (devices only)
 * @param mtime modification time (also served as atime and ctime)
 * @param layer index of the layer the node comes from, -1 if none declared it
 */
public record FileAttributes(
    long inode,
    int stMode,
    int nlink,
    long uid,
    long gid,
    long size,
    int rdevMajor,
    int rdevMinor,
    Instant mtime,
    int layer) {

  /** {@code S_IFMT} mask. */
  public static final int S_IFMT = 0170000;

  /** {@code S_IFDIR}. */
  public static final int S_IFDIR = 0040000;

  /** {@code S_IFREG}. */
  public static final int S_IFREG = 0100000;

  /** {@code S_IFLNK}. */
  public static final int S_IFLNK = 0120000;

  public boolean isDirectory() {
    return (stMode & S_IFMT) == S_IFDIR;
  }

  public boolean isRegularFile() {
    return (stMode & S_IFMT) == S_IFREG;
  }

  public boolean isSymlink() {
    return (stMode & S_IFMT) == S_IFLNK;
  }
}
