package dev.tracefetch.fs.ops;

/** Operations that would change the image; a read-only filesystem answers all with EROFS. */
public enum MutatingOperation {
  WRITE,
  CREATE,
  MKNOD,
  MKDIR,
  UNLINK,
  RMDIR,
  SYMLINK,
  RENAME,
  LINK,
  CHMOD,
  CHOWN,
  TRUNCATE,
  UTIMENS,
  SETXATTR,
  REMOVEXATTR,
  FALLOCATE
}
