package dev.tracefetch.layer.estargz;

import java.util.Optional;

/** The {@code type} values of an eStargz TOC entry, with their exact JSON spelling. */
public enum TocEntryType {
  DIR("dir"),
  REG("reg"),
  SYMLINK("symlink"),
  HARDLINK("hardlink"),
  CHAR("char"),
  BLOCK("block"),
  FIFO("fifo"),
  /** The second and later chunks of a regular file split into several gzip members. */
  CHUNK("chunk");

  private final String json;

  TocEntryType(String json) {
    this.json = json;
  }

  /** The value written in the TOC's {@code type} key. */
  public String json() {
    return json;
  }

  /** Whether entries of this type describe regular-file data ({@code reg} or {@code chunk}). */
  public boolean isData() {
    return this == REG || this == CHUNK;
  }

  public static Optional<TocEntryType> fromJson(String value) {
    for (TocEntryType t : values()) {
      if (t.json.equals(value)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }
}
