package dev.tracefetch.recorder.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * User and group names as the image defines them in its {@code /etc/passwd} and {@code /etc/group},
 * because {@code USER app} in an image means the image's {@code app}, not the host's. The files are
 * read only when a name must be resolved: reading them through the lazy mount before the
 * application starts would put them in the page cache and hide the application's own reads of them
 * from the recording.
 */
public final class ImageAccounts implements ContainerDefaults.NameLookup {
  private final Path root;
  private List<String[]> passwd;
  private List<String[]> group;

  private ImageAccounts(Path root) {
    this.root = root;
  }

  /** The account files under {@code root}, read on first use; missing files mean no names. */
  public static ImageAccounts read(Path root) {
    return new ImageAccounts(root);
  }

  private synchronized List<String[]> passwd() {
    if (passwd == null) {
      passwd = lines(root.resolve("etc/passwd"));
    }
    return passwd;
  }

  private synchronized List<String[]> group() {
    if (group == null) {
      group = lines(root.resolve("etc/group"));
    }
    return group;
  }

  private static List<String[]> lines(Path file) {
    try {
      if (!Files.isRegularFile(file)) {
        return List.of();
      }
      return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
          .filter(l -> !l.isBlank() && !l.startsWith("#"))
          .map(l -> l.split(":", -1))
          .toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  @Override
  public Optional<Integer> uid(String user) {
    return field(passwd(), 0, user, 2);
  }

  @Override
  public Optional<Integer> gid(String name) {
    return field(group(), 0, name, 2);
  }

  @Override
  public Optional<Integer> primaryGid(int uid) {
    return field(passwd(), 2, Integer.toString(uid), 3);
  }

  private static Optional<Integer> field(List<String[]> rows, int key, String value, int wanted) {
    for (String[] r : rows) {
      if (r.length > Math.max(key, wanted) && r[key].equals(value)) {
        try {
          return Optional.of(Integer.parseInt(r[wanted]));
        } catch (NumberFormatException e) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }
}
