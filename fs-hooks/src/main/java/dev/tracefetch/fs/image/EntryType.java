package dev.tracefetch.fs.image;

/**
 * The kind of one layer entry, as tar and the eStargz TOC name them. {@link #HARDLINK} exists only
 * in layers: the merged tree resolves every hard link to the node of its target, so served nodes
 * never have that type.
 */
public enum EntryType {
  DIR(0040000),
  REG(0100000),
  SYMLINK(0120000),
  HARDLINK(0100000),
  CHAR(0020000),
  BLOCK(0060000),
  FIFO(0010000);

  private final int formatBits;

  EntryType(int formatBits) {
    this.formatBits = formatBits;
  }

  /** The {@code S_IFMT} bits of {@code st_mode} for a node of this type. */
  public int formatBits() {
    return formatBits;
  }

  /** True for character and block devices, which carry major/minor numbers. */
  public boolean isDevice() {
    return this == CHAR || this == BLOCK;
  }
}
