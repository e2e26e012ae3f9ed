package dev.tracefetch.fs.image;

import dev.tracefetch.layer.tar.Xattrs;
import dev.tracefetch.oci.image.Digest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One entry of one layer, independent of how the layer is stored (eStargz TOC, plain tar, a
 * synthetic test layer). Names and link targets are kept exactly as the layer spells them; {@link
 * MergedTree} validates and normalises them, so a hostile name is reported with its layer.
 *
 * @param name path as written in the layer ({@code ./usr/bin/}, {@code etc/.wh.passwd}, ...)
 * @param type entry type
 * @param mode permission bits including set-uid/set-gid/sticky ({@code 07777})
 * @param uid owner
 * @param gid group
 * @param size uncompressed size of a regular file, 0 otherwise
 * @param mtime modification time
 * @param linkName symlink target or hard link target name; empty for other types
 * @param devMajor device major number (char/block only)
 * @param devMinor device minor number (char/block only)
 * @param xattrs extended attributes
 * @param contentDigest sha256 of the whole file content when the layer states it, else null
 * @param chunks for a regular file, its data chunks in file order covering {@code [0, size)}
 */
public record LayerEntry(
    String name,
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
    List<ChunkRef> chunks) {

  public LayerEntry {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type of " + name);
    Objects.requireNonNull(mtime, "mtime of " + name);
    linkName = linkName == null ? "" : linkName;
    xattrs = xattrs == null ? Xattrs.empty() : xattrs;
    chunks = List.copyOf(chunks == null ? List.of() : chunks);
    if ((mode & ~07777) != 0) {
      throw new IllegalArgumentException(
          "entry " + name + ": mode " + Integer.toOctalString(mode) + " has bits beyond 07777");
    }
    if (size < 0) {
      throw new IllegalArgumentException("entry " + name + ": negative size " + size);
    }
    if (type != EntryType.REG && !chunks.isEmpty()) {
      throw new IllegalArgumentException("entry " + name + ": a " + type + " cannot have chunks");
    }
  }

  /** A builder with neutral defaults (root-owned, mode 0644/0755, epoch mtime). */
  public static Builder builder(String name, EntryType type) {
    return new Builder(name, type);
  }

  /** Mutable helper to assemble an entry field by field (adapters, tests). */
  public static final class Builder {
    private final String name;
    private final EntryType type;
    private int mode;
    private int uid;
    private int gid;
    private long size;
    private Instant mtime = Instant.EPOCH;
    private String linkName = "";
    private int devMajor;
    private int devMinor;
    private Xattrs xattrs = Xattrs.empty();
    private Digest contentDigest;
    private final List<ChunkRef> chunks = new ArrayList<>();

    private Builder(String name, EntryType type) {
      this.name = name;
      this.type = type;
      this.mode = type == EntryType.DIR ? 0755 : type == EntryType.SYMLINK ? 0777 : 0644;
    }

    public Builder mode(int mode) {
      this.mode = mode;
      return this;
    }

    public Builder owner(int uid, int gid) {
      this.uid = uid;
      this.gid = gid;
      return this;
    }

    public Builder size(long size) {
      this.size = size;
      return this;
    }

    public Builder mtime(Instant mtime) {
      this.mtime = mtime;
      return this;
    }

    public Builder linkName(String linkName) {
      this.linkName = linkName;
      return this;
    }

    public Builder device(int major, int minor) {
      this.devMajor = major;
      this.devMinor = minor;
      return this;
    }

    public Builder xattrs(Xattrs xattrs) {
      this.xattrs = xattrs;
      return this;
    }

    public Builder contentDigest(Digest contentDigest) {
      this.contentDigest = contentDigest;
      return this;
    }

    public Builder addChunk(ChunkRef chunk) {
      this.chunks.add(chunk);
      return this;
    }

    public LayerEntry build() {
      return new LayerEntry(
          name,
          type,
          mode,
          uid,
          gid,
          size,
          mtime,
          linkName,
          devMajor,
          devMinor,
          xattrs,
          contentDigest,
          chunks);
    }
  }
}
