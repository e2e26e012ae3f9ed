package dev.tracefetch.fs.image;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Turns a name as written in a layer into a clean relative path inside the image root, the way a
 * careful tar extractor does: {@code ./}, empty and {@code .} components vanish, a leading {@code
 * /} is stripped, {@code ..} is resolved lexically. A name whose {@code ..} climbs above the root
 * is rejected: it can only come from a broken or hostile layer. Symlinks are never consulted, so a
 * name can never be steered outside the mount.
 */
public final class EntryPaths {
  /** Longest path component in bytes ({@code NAME_MAX}). */
  public static final int MAX_NAME_BYTES = 255;

  /** Longest path in bytes ({@code PATH_MAX - 1}). */
  public static final int MAX_PATH_BYTES = 4095;

  private EntryPaths() {}

  /** The result of normalising one name. */
  public record Normalized(String path, boolean wasAbsolute) {
    /** True for the image root itself (path {@code ""}). */
    public boolean isRoot() {
      return path.isEmpty();
    }

    /** The parent path ({@code ""} for top-level names). */
    public String parent() {
      int slash = path.lastIndexOf('/');
      return slash < 0 ? "" : path.substring(0, slash);
    }

    /** The last component. */
    public String baseName() {
      return path.substring(path.lastIndexOf('/') + 1);
    }
  }

  /**
   * Normalises {@code raw}; {@code what} names the layer and entry for the error message.
   *
   * @throws InvalidImageException if the name is empty after all, contains NUL, escapes the root or
   *     is too long
   */
  public static Normalized normalize(String raw, String what) throws InvalidImageException {
    if (raw.indexOf('\0') >= 0) {
      throw new InvalidImageException(what + ": name contains a NUL byte");
    }
    boolean absolute = raw.startsWith("/");
    Deque<String> parts = new ArrayDeque<>();
    for (String part : raw.split("/", -1)) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        if (parts.isEmpty()) {
          throw new InvalidImageException(
              what + ": name '" + raw + "' escapes the image root with '..'");
        }
        parts.removeLast();
        continue;
      }
      if (part.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
        throw new InvalidImageException(
            what + ": a component of '" + raw + "' is longer than " + MAX_NAME_BYTES + " bytes");
      }
      parts.addLast(part);
    }
    String path = String.join("/", parts);
    if (path.getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
      throw new InvalidImageException(
          what + ": name is longer than " + MAX_PATH_BYTES + " bytes: '" + abbreviate(raw) + "'");
    }
    return new Normalized(path, absolute);
  }

  private static String abbreviate(String s) {
    return s.length() <= 100 ? s : s.substring(0, 97) + "...";
  }
}
