package dev.tracefetch.fs.fuse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The mounts of this process's mount namespace as {@code /proc/self/mountinfo} lists them: the
 * kernel's own view, not what a mount call claimed. Used to confirm a mount happened, to tell a
 * live mount from a stale one left by a killed process, to check an unmount, and (by the OCI hook)
 * to see through a container's overlay root to its lower directories, one of which is typically a
 * lazy mount.
 */
public final class MountTable {
  private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

  /**
   * One line of mountinfo: where, what type, what source, and the super-block options (escaped).
   */
  public record Entry(Path mountPoint, String fsType, String source, String superOptions) {
    public boolean isFuse() {
      return fsType.equals("fuse") || fsType.startsWith("fuse.");
    }
  }

  private final List<Entry> entries;

  private MountTable(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  /** This process's mount table now. */
  public static MountTable current() throws IOException {
    return read(MOUNTINFO);
  }

  /** Reads a mountinfo file. */
  public static MountTable read(Path mountinfo) throws IOException {
    return parse(Files.readString(mountinfo, StandardCharsets.UTF_8));
  }

  /** Parses mountinfo text; malformed lines are skipped. */
  public static MountTable parse(String text) {
    List<Entry> entries = new ArrayList<>();
    for (String line : text.split("\n")) {
      Entry e = parseLine(line);
      if (e != null) {
        entries.add(e);
      }
    }
    return new MountTable(entries);
  }

  /** The topmost mount at {@code mountPoint} in this process's mount table now, if any. */
  public static Optional<Entry> find(Path mountPoint) throws IOException {
    return current().at(mountPoint.toAbsolutePath().normalize());
  }

  /** Whether a FUSE file system is mounted at {@code mountPoint} now. */
  public static boolean isFuseMountedAt(Path mountPoint) throws IOException {
    return find(mountPoint).map(Entry::isFuse).orElse(false);
  }

  public List<Entry> entries() {
    return entries;
  }

  /** The topmost mount at exactly {@code mountPoint}, if any. */
  public Optional<Entry> at(Path mountPoint) {
    Entry found = null;
    for (Entry e : entries) {
      if (e.mountPoint().equals(mountPoint)) {
        found = e; // later lines are mounted on top
      }
    }
    return Optional.ofNullable(found);
  }

  /**
   * The lower directories of the overlay mounted at {@code mountPoint} (uppermost first), or none
   * if it is not an overlay. Understands {@code lowerdir=a:b} with {@code \:} escapes and the
   * {@code lowerdir+=} form of newer kernels.
   */
  public List<Path> overlayLowerDirs(Path mountPoint) {
    Optional<Entry> e = at(mountPoint);
    if (e.isEmpty() || !e.get().fsType().equals("overlay")) {
      return List.of();
    }
    List<Path> dirs = new ArrayList<>();
    for (String raw : e.get().superOptions().split(",")) {
      String option = unescape(raw);
      if (option.startsWith("lowerdir=")) {
        for (String d : splitUnescaped(option.substring("lowerdir=".length()), ':')) {
          if (!d.isEmpty()) {
            dirs.add(Path.of(d));
          }
        }
      } else if (option.startsWith("lowerdir+=")) {
        dirs.add(Path.of(option.substring("lowerdir+=".length())));
      }
    }
    return List.copyOf(dirs);
  }

  /** One mountinfo line, or null if it is malformed. */
  static Entry parseLine(String line) {
    String[] f = line.trim().split(" ");
    int dash = -1;
    for (int i = 6; i < f.length; i++) {
      if (f[i].equals("-")) {
        dash = i;
        break;
      }
    }
    if (dash < 0 || dash + 2 >= f.length) {
      return null;
    }
    String superOptions = dash + 3 < f.length ? f[dash + 3] : "";
    return new Entry(Path.of(unescape(f[4])), f[dash + 1], unescape(f[dash + 2]), superOptions);
  }

  /** Splits on {@code sep} not preceded by a backslash; removes those backslashes. */
  private static List<String> splitUnescaped(String s, char sep) {
    List<String> parts = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length() && (s.charAt(i + 1) == sep || s.charAt(i + 1) == '\\')) {
        cur.append(s.charAt(++i));
      } else if (c == sep) {
        parts.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    parts.add(cur.toString());
    return parts;
  }

  /** Undoes mountinfo's octal escapes ({@code \040} for space and so on). */
  static String unescape(String s) {
    if (s.indexOf('\\') < 0) {
      return s;
    }
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\'
          && i + 3 < s.length()
          && isOctal(s.charAt(i + 1))
          && isOctal(s.charAt(i + 2))
          && isOctal(s.charAt(i + 3))) {
        out.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static boolean isOctal(char c) {
    return c >= '0' && c <= '7';
  }
}
