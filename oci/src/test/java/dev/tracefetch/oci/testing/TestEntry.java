package dev.tracefetch.oci.testing;

import java.time.Instant;
import java.util.Objects;
import java.util.Random;

/**
 * One tar entry of a test layer: a regular file, directory, symlink, hardlink, or a whiteout /
 * opaque-directory marker. Immutable; the {@code with*} methods give variants with other
 * attributes.
 *
 * @param type what kind of entry
 * @param path path inside the image, relative, without leading {@code /} or {@code ./}
 * @param content file content (regular files only, else null)
 * @param linkTarget symlink target or hardlink source path (links only, else null)
 * @param mode permission bits (e.g. {@code 0644}), including setuid/setgid/sticky
 * @param uid owner user id
 * @param gid owner group id
 * @param mtime modification time (whole seconds are what tar keeps)
 */
public record TestEntry(
    Type type,
    String path,
    byte[] content,
    String linkTarget,
    int mode,
    int uid,
    int gid,
    Instant mtime) {

  /** Kinds of entries a test layer can hold. */
  public enum Type {
    FILE,
    DIRECTORY,
    SYMLINK,
    HARDLINK,
    /** {@code dir/.wh.name}: deletes {@code dir/name} of lower layers. */
    WHITEOUT,
    /** {@code dir/.wh..wh..opq}: hides everything lower layers put in {@code dir}. */
    OPAQUE
  }

  /** The mtime every entry gets unless told otherwise, so layers are reproducible. */
  public static final Instant DEFAULT_MTIME = Instant.parse("2024-01-02T03:04:05Z");

  public TestEntry {
    Objects.requireNonNull(type, "type");
    path = normalize(path);
    Objects.requireNonNull(mtime, "mtime");
    if (type == Type.FILE) {
      Objects.requireNonNull(content, "content of " + path);
      content = content.clone();
    }
    if ((type == Type.SYMLINK || type == Type.HARDLINK) && linkTarget == null) {
      throw new IllegalArgumentException("link " + path + " needs a target");
    }
  }

  static String normalize(String path) {
    Objects.requireNonNull(path, "path");
    String p = path;
    while (p.startsWith("./")) {
      p = p.substring(2);
    }
    while (p.startsWith("/")) {
      p = p.substring(1);
    }
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    if (p.isEmpty()
        || p.contains("//")
        || p.equals("..")
        || p.startsWith("../")
        || p.contains("/../")) {
      throw new IllegalArgumentException("invalid path in test layer: '" + path + "'");
    }
    return p;
  }

  public static TestEntry file(String path, byte[] content) {
    return new TestEntry(Type.FILE, path, content, null, 0644, 0, 0, DEFAULT_MTIME);
  }

  public static TestEntry file(String path, String utf8) {
    return file(path, utf8.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** A file of {@code size} deterministic pseudo-random bytes (seeded by {@code seed}). */
  public static TestEntry largeFile(String path, int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return file(path, b);
  }

  public static TestEntry directory(String path) {
    return new TestEntry(Type.DIRECTORY, path, null, null, 0755, 0, 0, DEFAULT_MTIME);
  }

  public static TestEntry symlink(String path, String target) {
    return new TestEntry(Type.SYMLINK, path, null, target, 0777, 0, 0, DEFAULT_MTIME);
  }

  /** A hardlink at {@code path} to the earlier entry {@code existingPath} of the same layer. */
  public static TestEntry hardlink(String path, String existingPath) {
    return new TestEntry(
        Type.HARDLINK, path, null, normalize(existingPath), 0644, 0, 0, DEFAULT_MTIME);
  }

  /** Deletes {@code path} (and what is under it) from lower layers. */
  public static TestEntry whiteout(String path) {
    return new TestEntry(Type.WHITEOUT, path, null, null, 0644, 0, 0, DEFAULT_MTIME);
  }

  /** Makes directory {@code path} opaque: lower layers' content under it disappears. */
  public static TestEntry opaque(String path) {
    return new TestEntry(Type.OPAQUE, path, null, null, 0644, 0, 0, DEFAULT_MTIME);
  }

  public TestEntry withMode(int newMode) {
    return new TestEntry(type, path, content, linkTarget, newMode, uid, gid, mtime);
  }

  public TestEntry withOwner(int newUid, int newGid) {
    return new TestEntry(type, path, content, linkTarget, mode, newUid, newGid, mtime);
  }

  public TestEntry withMtime(Instant newMtime) {
    return new TestEntry(type, path, content, linkTarget, mode, uid, gid, newMtime);
  }

  /** The file content (a copy), or null for non-files. */
  @Override
  public byte[] content() {
    return content == null ? null : content.clone();
  }

  /** The name this entry has inside the tar (markers get their {@code .wh.} names). */
  public String tarName() {
    int slash = path.lastIndexOf('/');
    String dir = slash < 0 ? "" : path.substring(0, slash + 1);
    String base = path.substring(slash + 1);
    return switch (type) {
      case WHITEOUT -> dir + ".wh." + base;
      case OPAQUE -> path + "/.wh..wh..opq";
      case DIRECTORY -> path + "/";
      default -> path;
    };
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TestEntry e
        && e.type == type
        && e.path.equals(path)
        && java.util.Arrays.equals(e.content, content)
        && Objects.equals(e.linkTarget, linkTarget)
        && e.mode == mode
        && e.uid == uid
        && e.gid == gid
        && e.mtime.equals(mtime);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, path, linkTarget, mode, uid, gid, mtime);
  }

  @Override
  public String toString() {
    return type
        + " "
        + path
        + (linkTarget == null ? "" : " -> " + linkTarget)
        + (content == null ? "" : " (" + content.length + " bytes)");
  }
}
