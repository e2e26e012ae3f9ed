package dev.tracefetch.builder.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.testing.ExpectedTree;
import dev.tracefetch.oci.testing.TestEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/** Compares an unpacked root filesystem (e.g. by umoci) with the tree an image should give. */
public final class RootfsTree {
  private RootfsTree() {}

  /** Every path below {@code root}, relative, sorted. */
  public static Set<String> paths(Path root) throws IOException {
    Set<String> out = new TreeSet<>();
    try (Stream<Path> walk = Files.walk(root)) {
      walk.filter(p -> !p.equals(root)).forEach(p -> out.add(root.relativize(p).toString()));
    }
    return out;
  }

  /**
   * Asserts that {@code root} holds exactly the {@code expected} tree plus {@code extras} (paths
   * the image format adds): types, permission bits, owners, sizes, contents, symlink targets,
   * hardlinks (same inode) and file mtimes.
   */
  public static void assertMatches(Path root, ExpectedTree expected, Set<String> extras)
      throws IOException {
    Set<String> want = new TreeSet<>(expected.nodes().keySet());
    want.addAll(extras);
    assertThat(paths(root)).as("paths under " + root).isEqualTo(want);
    for (Map.Entry<String, ExpectedTree.Node> e : expected.nodes().entrySet()) {
      ExpectedTree.Node n = e.getValue();
      Path p = root.resolve(e.getKey());
      String what = e.getKey();
      switch (n.type()) {
        case DIRECTORY ->
            assertThat(Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).as(what).isTrue();
        case SYMLINK -> {
          assertThat(Files.isSymbolicLink(p)).as(what).isTrue();
          assertThat(Files.readSymbolicLink(p).toString()).as(what).isEqualTo(n.linkTarget());
        }
        case FILE -> {
          assertThat(Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).as(what).isTrue();
          assertThat(Files.size(p)).as(what).isEqualTo(n.size());
          assertThat(Digest.of(Files.readAllBytes(p))).as(what).isEqualTo(n.contentDigest());
          assertThat(
                  ((FileTime)
                          Files.getAttribute(p, "unix:lastModifiedTime", LinkOption.NOFOLLOW_LINKS))
                      .toInstant()
                      .getEpochSecond())
              .as("mtime of " + what)
              .isEqualTo(n.mtime().getEpochSecond());
          if (n.hardlinkOf() != null) {
            assertThat(Files.getAttribute(p, "unix:ino"))
                .as(what + " is a hardlink of " + n.hardlinkOf())
                .isEqualTo(Files.getAttribute(root.resolve(n.hardlinkOf()), "unix:ino"));
          }
        }
        default -> throw new AssertionError("unexpected node type " + n.type());
      }
      if (n.type() != TestEntry.Type.SYMLINK) {
        int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        assertThat(mode & 07777).as("mode of " + what).isEqualTo(n.mode() & 07777);
        if ("root".equals(System.getProperty("user.name"))) {
          assertThat(Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS))
              .as("uid of " + what)
              .isEqualTo(n.uid());
          assertThat(Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS))
              .as("gid of " + what)
              .isEqualTo(n.gid());
        }
      }
    }
  }
}
