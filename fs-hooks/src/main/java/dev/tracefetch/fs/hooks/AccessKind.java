package dev.tracefetch.fs.hooks;

/** The filesystem operations a trace records. */
public enum AccessKind {
  OPEN,
  READ,
  STAT,
  READLINK,
  READDIR
}
