package dev.tracefetch.layer.tar;

/**
 * The kinds of tar entry a container layer may hold. Layers are file systems, so anything else (GNU
 * sparse files, volume labels, multi-volume continuations) is rejected where it is read rather than
 * silently turned into something it is not.
 */
public enum TarEntryType {
  REGULAR('0'),
  HARDLINK('1'),
  SYMLINK('2'),
  CHAR_DEVICE('3'),
  BLOCK_DEVICE('4'),
  DIRECTORY('5'),
  FIFO('6');

  private final byte typeflag;

  TarEntryType(char typeflag) {
    this.typeflag = (byte) typeflag;
  }

  /** The ustar {@code typeflag} byte written for this type. */
  public byte typeflag() {
    return typeflag;
  }

  /** Whether entries of this type carry payload bytes after the header. */
  public boolean hasPayload() {
    return this == REGULAR;
  }

  /** Whether entries of this type carry device numbers. */
  public boolean isDevice() {
    return this == CHAR_DEVICE || this == BLOCK_DEVICE;
  }

  /** Whether entries of this type carry a link target. */
  public boolean isLink() {
    return this == HARDLINK || this == SYMLINK;
  }
}
