package dev.tracefetch.layer.estargz;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Normalises tar entry names to paths relative to the layer root ({@code ./usr//bin/} becomes
 * {@code usr/bin}, the root itself is {@code ""}). Names that are absolute or whose {@code ..}
 * components climb above the root are refused: a layer that says "/etc/passwd" or
 * "../../etc/passwd" is hostile or broken, and either way must not be mounted or converted.
 */
final class EntryNames {
  private EntryNames() {}

  /**
   * The normalised name, or throws {@link IllegalArgumentException} saying why {@code raw} is not
   * acceptable.
   */
  static String normalize(String raw) {
    if (raw.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("name contains NUL");
    }
    if (raw.startsWith("/")) {
      throw new IllegalArgumentException("name is absolute");
    }
    Deque<String> parts = new ArrayDeque<>();
    for (String part : raw.split("/", -1)) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        if (parts.isEmpty()) {
          throw new IllegalArgumentException("name escapes the layer root via '..'");
        }
        parts.removeLast();
        continue;
      }
      parts.addLast(part);
    }
    return String.join("/", parts);
  }

  /**
   * Lenient normalisation for paths given by people and traces rather than by layers: like Go's
   * {@code path.Clean("/" + p)} without the leading slash, so {@code /a/b}, {@code ./a/b} and
   * {@code ../a/b} all mean {@code a/b}.
   */
  static String clean(String path) {
    Deque<String> parts = new ArrayDeque<>();
    for (String part : path.split("/", -1)) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        parts.pollLast();
        continue;
      }
      parts.addLast(part);
    }
    return String.join("/", parts);
  }

  /** Parent of a normalised name; the root's parent is null. */
  static String parent(String normalized) {
    if (normalized.isEmpty()) {
      return null;
    }
    int slash = normalized.lastIndexOf('/');
    return slash < 0 ? "" : normalized.substring(0, slash);
  }

  /** Last component of a normalised name. */
  static String baseName(String normalized) {
    return normalized.substring(normalized.lastIndexOf('/') + 1);
  }
}
