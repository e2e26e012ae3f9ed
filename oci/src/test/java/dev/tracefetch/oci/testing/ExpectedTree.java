package dev.tracefetch.oci.testing;

import dev.tracefetch.oci.image.Digest;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The file tree a container would see after applying an image's layers in order, with overlay
 * semantics: later entries replace earlier ones, whiteouts delete, opaque directories hide lower
 * content. Later modules compare what their (lazy) filesystem shows against it.
 */
public final class ExpectedTree {
  private final Map<String, Node> nodes;

  private ExpectedTree(Map<String, Node> nodes) {
    this.nodes = Collections.unmodifiableMap(new TreeMap<>(nodes));
  }

  /**
   * What one path holds.
   *
   * @param path relative path, no leading {@code /}
   * @param type {@link TestEntry.Type#FILE}, {@code DIRECTORY} or {@code SYMLINK} (a hardlink is a
   *     {@code FILE} with {@code hardlinkOf} set)
   * @param size content size of files, else 0
   * @param contentDigest sha256 of a file's content, else null
   * @param linkTarget symlink target, else null
   * @param hardlinkOf the path this file is a hardlink of (same layer), else null
   */
  public record Node(
      String path,
      TestEntry.Type type,
      int mode,
      int uid,
      int gid,
      Instant mtime,
      long size,
      Digest contentDigest,
      String linkTarget,
      String hardlinkOf) {}

  /** Applies {@code layers}, lowest first. */
  public static ExpectedTree of(List<TestLayer> layers) {
    TreeMap<String, Node> tree = new TreeMap<>();
    for (TestLayer layer : layers) {
      // Opaque markers hide lower content no matter where they sit in the layer.
      for (TestEntry e : layer.entries()) {
        if (e.type() == TestEntry.Type.OPAQUE) {
          removeBelow(tree, e.path());
        }
      }
      for (TestEntry e : layer.entries()) {
        switch (e.type()) {
          case OPAQUE -> {}
          case WHITEOUT -> {
            tree.remove(e.path());
            removeBelow(tree, e.path());
          }
          case DIRECTORY -> {
            Node old = tree.get(e.path());
            if (old != null && old.type() != TestEntry.Type.DIRECTORY) {
              tree.remove(e.path());
            }
            tree.put(e.path(), node(e, 0, null, null, null));
          }
          case FILE ->
              replace(tree, node(e, e.content().length, Digest.of(e.content()), null, null));
          case SYMLINK -> replace(tree, node(e, 0, null, e.linkTarget(), null));
          case HARDLINK -> {
            Node target = tree.get(e.linkTarget());
            if (target == null || target.type() != TestEntry.Type.FILE) {
              throw new IllegalArgumentException(
                  "hardlink " + e.path() + " points at " + e.linkTarget() + ", not a file");
            }
            replace(
                tree,
                new Node(
                    e.path(),
                    TestEntry.Type.FILE,
                    target.mode(),
                    target.uid(),
                    target.gid(),
                    target.mtime(),
                    target.size(),
                    target.contentDigest(),
                    null,
                    e.linkTarget()));
          }
        }
      }
    }
    return new ExpectedTree(tree);
  }

  private static Node node(TestEntry e, long size, Digest digest, String link, String hardlinkOf) {
    return new Node(
        e.path(), e.type(), e.mode(), e.uid(), e.gid(), e.mtime(), size, digest, link, hardlinkOf);
  }

  private static void replace(TreeMap<String, Node> tree, Node n) {
    Node old = tree.get(n.path());
    if (old != null && old.type() == TestEntry.Type.DIRECTORY) {
      removeBelow(tree, n.path());
    }
    tree.put(n.path(), n);
  }

  private static void removeBelow(TreeMap<String, Node> tree, String dir) {
    String prefix = dir + "/";
    tree.subMap(prefix, prefix + Character.MAX_VALUE).clear();
  }

  /** Every path in the merged tree, sorted, mapped to what it holds. */
  public Map<String, Node> nodes() {
    return nodes;
  }

  public Optional<Node> get(String path) {
    return Optional.ofNullable(nodes.get(TestEntry.normalize(path)));
  }

  public boolean contains(String path) {
    return nodes.containsKey(TestEntry.normalize(path));
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    nodes
        .values()
        .forEach(
            n ->
                sb.append(n.type())
                    .append(' ')
                    .append(n.path())
                    .append(n.linkTarget() == null ? "" : " -> " + n.linkTarget())
                    .append('\n'));
    return sb.toString();
  }
}
