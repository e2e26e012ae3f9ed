package dev.tracefetch.fs.fuse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads {@code /proc/self/mountinfo}, the kernel's own view of what is mounted where in this
 * process's mount namespace. Used to confirm a mount happened, to tell a live mount from a stale
 * one left by a killed process, and to check an unmount.
 */
final class MountTable {
  private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

  /** One mount: where, which filesystem type, and what source. */
  record Entry(Path mountPoint, String fsType, String source) {
    boolean isFuse() {
      return fsType.equals("fuse") || fsType.startsWith("fuse.");
    }
  }

  private MountTable() {}

  static List<Entry> read() throws IOException {
    List<Entry> out = new ArrayList<>();
    for (String line : Files.readAllLines(MOUNTINFO, StandardCharsets.UTF_8)) {
      Entry e = parse(line);
      if (e != null) {
        out.add(e);
      }
    }
    return out;
  }

  /** The topmost mount at {@code mountPoint}, if any. */
  static Optional<Entry> find(Path mountPoint) throws IOException {
    Path target = mountPoint.toAbsolutePath().normalize();
    Entry found = null;
    for (Entry e : read()) {
      if (e.mountPoint().equals(target)) {
        found = e;
      }
    }
    return Optional.ofNullable(found);
  }

  static Entry parse(String line) {
    String[] f = line.split(" ");
    int dash = -1;
    for (int i = 6; i < f.length; i++) {
      if (f[i].equals("-")) {
        dash = i;
        break;
      }
    }
    if (f.length < 7 || dash < 0 || dash + 2 >= f.length) {
      return null;
    }
    return new Entry(Path.of(unescape(f[4])), f[dash + 1], unescape(f[dash + 2]));
  }

  /** mountinfo escapes space, tab, newline and backslash as {@code \ooo}. */
  static String unescape(String s) {
    if (s.indexOf('\\') < 0) {
      return s;
    }
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && isOctal(s, i + 1)) {
        b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  private static boolean isOctal(String s, int from) {
    if (from + 3 > s.length()) {
      return false;
    }
    for (int i = from; i < from + 3; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '7') {
        return false;
      }
    }
    return true;
  }
}
