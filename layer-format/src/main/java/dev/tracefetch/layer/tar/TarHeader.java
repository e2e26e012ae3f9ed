package dev.tracefetch.layer.tar;

import java.time.Instant;
import java.util.Objects;

/**
 * The metadata of one tar entry after ustar, GNU and PAX encodings have been resolved: what a layer
 * says about a file, independent of how the archive happened to spell it. Reading and re-writing a
 * header keeps every field here, including binary xattrs and PAX records the model does not
 * interpret ({@link #paxRecords()}).
 *
 * @param name the entry name exactly as stored (may start with {@code ./} or end with {@code /})
 * @param type the entry type
 * @param size payload size in bytes; always 0 for types without payload
 * @param mode the raw mode field (permission bits, sometimes with file-type bits)
 * @param uid owner user id
 * @param gid owner group id
 * @param userName owner user name ("" when absent)
 * @param groupName owner group name ("" when absent)
 * @param modTime modification time (sub-second precision when the archive had it)
 * @param linkName link target of hardlinks and symlinks ("" otherwise)
 * @param devMajor major device number of device nodes
 * @param devMinor minor device number of device nodes
 * @param xattrs extended attributes ({@code SCHILY.xattr.*} PAX records)
 * @param paxRecords other PAX records, carried through unchanged
 */
public record TarHeader(
    String name,
    TarEntryType type,
    long size,
    long mode,
    long uid,
    long gid,
    String userName,
    String groupName,
    Instant modTime,
    String linkName,
    long devMajor,
    long devMinor,
    Xattrs xattrs,
    PaxRecords paxRecords) {

  /** Largest mode a header can carry (seven octal digits). */
  public static final long MAX_MODE = 07777777L;

  public TarHeader {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type of " + name);
    if (name.isEmpty()) {
      throw new IllegalArgumentException("tar entry name must not be empty");
    }
    requireNoNul("name", name, name);
    if (size < 0) {
      throw new IllegalArgumentException("size of tar entry '" + name + "' is negative: " + size);
    }
    if (size != 0 && !type.hasPayload()) {
      throw new IllegalArgumentException(
          "tar entry '"
              + name
              + "' of type "
              + type
              + " cannot have a payload (size "
              + size
              + ")");
    }
    if (mode < 0 || mode > MAX_MODE) {
      throw new IllegalArgumentException(
          "mode of tar entry '" + name + "' out of range: " + Long.toOctalString(mode));
    }
    if (uid < 0 || gid < 0) {
      throw new IllegalArgumentException(
          "uid/gid of tar entry '" + name + "' must be >= 0: " + uid + "/" + gid);
    }
    userName = userName == null ? "" : userName;
    groupName = groupName == null ? "" : groupName;
    linkName = linkName == null ? "" : linkName;
    requireNoNul("user name", userName, name);
    requireNoNul("group name", groupName, name);
    requireNoNul("link name", linkName, name);
    if (type.isLink() && linkName.isEmpty()) {
      throw new IllegalArgumentException(
          "tar " + type + " entry '" + name + "' has no link target");
    }
    Objects.requireNonNull(modTime, "modTime of " + name);
    if (devMajor < 0 || devMinor < 0) {
      throw new IllegalArgumentException(
          "device numbers of tar entry '" + name + "' must be >= 0: " + devMajor + "," + devMinor);
    }
    xattrs = xattrs == null ? Xattrs.empty() : xattrs;
    paxRecords = paxRecords == null ? PaxRecords.empty() : paxRecords;
  }

  private static void requireNoNul(String what, String value, String entry) {
    if (value.indexOf('\0') >= 0) {
      throw new IllegalArgumentException(what + " of tar entry '" + entry + "' contains NUL");
    }
  }

  /** A builder for an entry with the given name and type; everything else defaults to zero. */
  public static Builder builder(String name, TarEntryType type) {
    return new Builder(name, type);
  }

  /** A builder pre-filled with this header's fields. */
  public Builder toBuilder() {
    return new Builder(name, type)
        .size(size)
        .mode(mode)
        .uid(uid)
        .gid(gid)
        .userName(userName)
        .groupName(groupName)
        .modTime(modTime)
        .linkName(linkName)
        .devMajor(devMajor)
        .devMinor(devMinor)
        .xattrs(xattrs)
        .paxRecords(paxRecords);
  }

  /** Builds {@link TarHeader}s; validation happens in {@link #build()}. */
  public static final class Builder {
    private String name;
    private TarEntryType type;
    private long size;
    private long mode;
    private long uid;
    private long gid;
    private String userName = "";
    private String groupName = "";
    private Instant modTime = Instant.EPOCH;
    private String linkName = "";
    private long devMajor;
    private long devMinor;
    private Xattrs xattrs = Xattrs.empty();
    private PaxRecords paxRecords = PaxRecords.empty();

    private Builder(String name, TarEntryType type) {
      this.name = name;
      this.type = type;
    }

    public Builder name(String v) {
      name = v;
      return this;
    }

    public Builder type(TarEntryType v) {
      type = v;
      return this;
    }

    public Builder size(long v) {
      size = v;
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

    public Builder modTime(Instant v) {
      modTime = v;
      return this;
    }

    public Builder linkName(String v) {
      linkName = v;
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

    public Builder paxRecords(PaxRecords v) {
      paxRecords = v;
      return this;
    }

    public TarHeader build() {
      return new TarHeader(
          name,
          type,
          size,
          mode,
          uid,
          gid,
          userName,
          groupName,
          modTime,
          linkName,
          devMajor,
          devMinor,
          xattrs,
          paxRecords);
    }
  }
}
