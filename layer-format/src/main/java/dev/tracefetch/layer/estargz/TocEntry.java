package dev.tracefetch.layer.estargz;

import dev.tracefetch.layer.tar.Xattrs;
import dev.tracefetch.oci.image.Digest;
import java.time.Instant;
import java.util.Objects;

/**
 * One entry of an eStargz TOC, field for field as stargz-snapshotter's {@code estargz.TOCEntry}
 * (estargz/types.go) serialises it; a zero number or empty string means the key was absent, as Go's
 * {@code omitempty} makes it. Runtime-only upstream fields ({@code NumLink}, {@code nextOffset})
 * are not part of the JSON and not part of this record.
 *
 * @param name the tar entry name exactly as stored (unnormalised); for {@code chunk} entries the
 *     file the chunk belongs to
 * @param type the entry type
 * @param size logical size of a regular file
 * @param modTime modification time in whole seconds, or null when absent
 * @param linkName target of symlinks and hardlinks ("" otherwise)
 * @param mode raw tar mode bits (may include file-type bits, e.g. 0100644)
 * @param uid owner user id
 * @param gid owner group id
 * @param userName owner name; writers emit it only the first time a uid appears
 * @param groupName group name; likewise only the first time a gid appears
 * @param offset blob offset of the gzip member holding this payload or chunk
 * @param innerOffset offset of the payload inside the decompressed member (members shared by
 *     several small payloads)
 * @param devMajor major device number
 * @param devMinor minor device number
 * @param xattrs extended attributes
 * @param digest sha256 of the whole regular file content, or null
 * @param chunkOffset offset of this chunk within the file
 * @param chunkSize size of this chunk; 0 for the last (or only) chunk, meaning "to the end"
 * @param chunkDigest sha256 of this chunk's uncompressed bytes, or null
 */
public record TocEntry(
    String name,
    TocEntryType type,
    long size,
    Instant modTime,
    String linkName,
    long mode,
    long uid,
    long gid,
    String userName,
    String groupName,
    long offset,
    long innerOffset,
    long devMajor,
    long devMinor,
    Xattrs xattrs,
    Digest digest,
    long chunkOffset,
    long chunkSize,
    Digest chunkDigest) {

  public TocEntry {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type of TOC entry '" + name + "'");
    linkName = linkName == null ? "" : linkName;
    userName = userName == null ? "" : userName;
    groupName = groupName == null ? "" : groupName;
    xattrs = xattrs == null ? Xattrs.empty() : xattrs;
    if (modTime != null && modTime.getNano() != 0) {
      throw new IllegalArgumentException(
          "modtime of TOC entry '" + name + "' must be whole seconds: " + modTime);
    }
    requireNonNegative("size", size, name);
    requireNonNegative("mode", mode, name);
    requireNonNegative("uid", uid, name);
    requireNonNegative("gid", gid, name);
    requireNonNegative("offset", offset, name);
    requireNonNegative("innerOffset", innerOffset, name);
    requireNonNegative("devMajor", devMajor, name);
    requireNonNegative("devMinor", devMinor, name);
    requireNonNegative("chunkOffset", chunkOffset, name);
    requireNonNegative("chunkSize", chunkSize, name);
  }

  private static void requireNonNegative(String field, long value, String name) {
    if (value < 0) {
      throw new IllegalArgumentException(
          field + " of TOC entry '" + name + "' must be >= 0, got " + value);
    }
  }

  public static Builder builder(String name, TocEntryType type) {
    return new Builder(name, type);
  }

  public Builder toBuilder() {
    return new Builder(name, type)
        .size(size)
        .modTime(modTime)
        .linkName(linkName)
        .mode(mode)
        .uid(uid)
        .gid(gid)
        .userName(userName)
        .groupName(groupName)
        .offset(offset)
        .innerOffset(innerOffset)
        .devMajor(devMajor)
        .devMinor(devMinor)
        .xattrs(xattrs)
        .digest(digest)
        .chunkOffset(chunkOffset)
        .chunkSize(chunkSize)
        .chunkDigest(chunkDigest);
  }

  /** Builds {@link TocEntry}s; validation happens in {@link #build()}. */
  public static final class Builder {
    private final String name;
    private final TocEntryType type;
    private long size;
    private Instant modTime;
    private String linkName = "";
    private long mode;
    private long uid;
    private long gid;
    private String userName = "";
    private String groupName = "";
    private long offset;
    private long innerOffset;
    private long devMajor;
    private long devMinor;
    private Xattrs xattrs = Xattrs.empty();
    private Digest digest;
    private long chunkOffset;
    private long chunkSize;
    private Digest chunkDigest;

    private Builder(String name, TocEntryType type) {
      this.name = name;
      this.type = type;
    }

    public Builder size(long v) {
      size = v;
      return this;
    }

    public Builder modTime(Instant v) {
      modTime = v;
      return this;
    }

    public Builder linkName(String v) {
      linkName = v;
      return this;
    }

    public Builder mode(long v) {
      mode = v;
      return this;
    }

    public Builder uid(long v) {
      uid = v;
      return this;
    }

    public Builder gid(long v) {
      gid = v;
      return this;
    }

    public Builder userName(String v) {
      userName = v;
      return this;
    }

    public Builder groupName(String v) {
      groupName = v;
      return this;
    }

    public Builder offset(long v) {
      offset = v;
      return this;
    }

    public Builder innerOffset(long v) {
      innerOffset = v;
      return this;
    }

    public Builder devMajor(long v) {
      devMajor = v;
      return this;
    }

    public Builder devMinor(long v) {
      devMinor = v;
      return this;
    }

    public Builder xattrs(Xattrs v) {
      xattrs = v;
      return this;
    }

    public Builder digest(Digest v) {
      digest = v;
      return this;
    }

    public Builder chunkOffset(long v) {
      chunkOffset = v;
      return this;
    }

    public Builder chunkSize(long v) {
      chunkSize = v;
      return this;
    }

    public Builder chunkDigest(Digest v) {
      chunkDigest = v;
      return this;
    }

    public TocEntry build() {
      return new TocEntry(
          name,
          type,
          size,
          modTime,
          linkName,
          mode,
          uid,
          gid,
          userName,
          groupName,
          offset,
          innerOffset,
          devMajor,
          devMinor,
          xattrs,
          digest,
          chunkOffset,
          chunkSize,
          chunkDigest);
    }
  }
}
