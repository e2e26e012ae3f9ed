package dev.tracefetch.fs.ops;

/**
 * The POSIX error numbers a filesystem operation can answer with (Linux values). Operations throw
 * {@link FsException} carrying one of these; the FUSE adapter turns it into {@code -errno}, so no
 * other exception ever has to cross the native boundary.
 */
public enum Errno {
  EPERM(1),
  ENOENT(2),
  EIO(5),
  EBADF(9),
  EAGAIN(11),
  ENOMEM(12),
  EACCES(13),
  EBUSY(16),
  EEXIST(17),
  ENOTDIR(20),
  EISDIR(21),
  EINVAL(22),
  ENOSPC(28),
  EROFS(30),
  ERANGE(34),
  ENAMETOOLONG(36),
  ENOSYS(38),
  ENOTEMPTY(39),
  ELOOP(40),
  ENODATA(61),
  EOPNOTSUPP(95),
  ETIMEDOUT(110);

  private final int linuxValue;

  Errno(int linuxValue) {
    this.linuxValue = linuxValue;
  }

  /** The error number on Linux (x86-64 and arm64 agree for all of these). */
  public int linuxValue() {
    return linuxValue;
  }
}
