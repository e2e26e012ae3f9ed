package dev.tracefetch.fs.image;

import dev.tracefetch.layer.tar.Xattrs;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The root filesystem a container sees: the layers of an image merged with OCI rules. Upper layers
 * win; {@code .wh.NAME} removes {@code NAME} from the layers below; {@code .wh..wh..opq} hides
 * everything the layers below put in its directory; whiteouts only act on lower layers and are
 * themselves invisible; hard links become one inode with several names; missing parent directories
 * are created. Built once per mount, then immutable, so lookups need no locks.
 *
 * <p>Hostile input is handled where it enters: names that climb above the root, contain NUL or are
 * too long, duplicate entries in one layer, hard links without a target and chunk lists that do not
 * cover their file are rejected with {@link InvalidImageException}; absolute names are made
 * relative and a non-directory standing where a directory is needed is replaced (both noted in
 * {@link #warnings()}). Symlinks are kept as links and never followed while merging.
 */
public final class MergedTree {
  /** Prefix of a whiteout file. */
  public static final String WHITEOUT_PREFIX = ".wh.";

  /** Name of the opaque-directory marker. */
  public static final String OPAQUE_MARKER = ".wh..wh..opq";

  /** Prefix of AUFS metadata names, which are ignored. */
  static final String WHITEOUT_META_PREFIX = ".wh..wh.";

  private static final int IMPLICIT_DIR_MODE = 0755;

  private final TreeNode root;
  private final Map<String, TreeNode> byPath;
  private final int layerCount;
  private final long inodeCount;
  private final long totalFileBytes;
  private final List<String> warnings;

  private MergedTree(
      TreeNode root,
      Map<String, TreeNode> byPath,
      int layerCount,
      long inodeCount,
      long totalFileBytes,
      List<String> warnings) {
    this.root = root;
    this.byPath = byPath;
    this.layerCount = layerCount;
    this.inodeCount = inodeCount;
    this.totalFileBytes = totalFileBytes;
    this.warnings = List.copyOf(warnings);
  }

  /** Merges {@code layers}, lowest first. */
  public static MergedTree build(List<Layer> layers) throws InvalidImageException {
    Builder b = new Builder();
    for (int i = 0; i < layers.size(); i++) {
      b.apply(i, layers.get(i));
    }
    return b.freeze(layers.size());
  }

  /** The root directory (inode 1). */
  public TreeNode root() {
    return root;
  }

  /**
   * The node at {@code path} ({@code /a/b} as FUSE passes it, or {@code a/b}), without following
   * symlinks.
   */
  public Optional<TreeNode> lookup(String path) {
    return Optional.ofNullable(byPath.get(key(path)));
  }

  /** Number of layers merged. */
  public int layerCount() {
    return layerCount;
  }

  /** Number of distinct inodes (hard links count once). */
  public long inodeCount() {
    return inodeCount;
  }

  /** Sum of the sizes of distinct regular files. */
  public long totalFileBytes() {
    return totalFileBytes;
  }

  /** Paths of all names in the tree ({@code /} first, then depth-first in name order). */
  public Set<String> paths() {
    return byPath.keySet();
  }

  /** What was neutralised while merging (absolute names, replaced non-directories). */
  public List<String> warnings() {
    return warnings;
  }

  private static String key(String path) {
    if (path.isEmpty() || path.equals("/")) {
      return "/";
    }
    String p = path.startsWith("/") ? path : "/" + path;
    return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
  }

  /** Mutable node used while layers are applied; hard links share one instance. */
  private static final class Node {
    EntryType type;
    int mode;
    int uid;
    int gid;
    long size;
    Instant mtime;
    String linkName;
    int devMajor;
    int devMinor;
    Xattrs xattrs;
    dev.tracefetch.oci.image.Digest contentDigest;
    int layer;
    List<ChunkRef> chunks;
    TreeMap<String, Node> children;

    static Node implicitDir(int layer) {
      Node n = new Node();
      n.type = EntryType.DIR;
      n.mode = IMPLICIT_DIR_MODE;
      n.mtime = Instant.EPOCH;
      n.linkName = "";
      n.xattrs = Xattrs.empty();
      n.layer = layer;
      n.chunks = List.of();
      n.children = new TreeMap<>();
      return n;
    }

    static Node of(LayerEntry e, int layer) {
      Node n = new Node();
      n.type = e.type();
      n.setMetadata(e, layer);
      n.size = e.type() == EntryType.REG ? e.size() : 0;
      n.linkName = e.type() == EntryType.SYMLINK ? e.linkName() : "";
      n.devMajor = e.type().isDevice() ? e.devMajor() : 0;
      n.devMinor = e.type().isDevice() ? e.devMinor() : 0;
      n.contentDigest = e.contentDigest();
      n.chunks = e.chunks();
      n.children = e.type() == EntryType.DIR ? new TreeMap<>() : null;
      return n;
    }

    void setMetadata(LayerEntry e, int layer) {
      this.mode = e.mode();
      this.uid = e.uid();
      this.gid = e.gid();
      this.mtime = e.mtime();
      this.xattrs = e.xattrs();
      this.layer = layer;
    }

    boolean isDir() {
      return type == EntryType.DIR;
    }
  }

  private static final class Builder {
    // A root no layer declares is implied by the lowest layer, as any other implicit directory is
    // by the layer that implies it; consumers (traces, the store) never see a layer index below 0.
    private final Node root = Node.implicitDir(0);
    private final List<String> warnings = new ArrayList<>();

    void apply(int layerIndex, Layer layer) throws InvalidImageException {
      List<String> opaqueDirs = new ArrayList<>();
      List<String> whiteouts = new ArrayList<>();
      Map<String, LayerEntry> entries = new LinkedHashMap<>();
      List<String> hardlinks = new ArrayList<>();

      for (LayerEntry e : layer.entries()) {
        String what = "layer " + layerIndex + " (" + layer.id() + ") entry '" + e.name() + "'";
        EntryPaths.Normalized n = EntryPaths.normalize(e.name(), what);
        if (n.wasAbsolute()) {
          warnings.add(what + ": absolute name made relative to the image root");
        }
        if (insideAufsMetadata(n.path(), what)) {
          warnings.add(what + ": AUFS metadata entry ignored");
          continue;
        }
        String base = n.baseName();
        if (!n.isRoot() && base.startsWith(WHITEOUT_PREFIX)) {
          if (base.equals(OPAQUE_MARKER)) {
            opaqueDirs.add(n.parent());
          } else if (base.startsWith(WHITEOUT_META_PREFIX)) {
            warnings.add(what + ": AUFS metadata entry ignored");
          } else {
            String target = base.substring(WHITEOUT_PREFIX.length());
            if (target.equals(".") || target.equals("..")) {
              throw new InvalidImageException(what + ": whiteout of '" + target + "'");
            }
            whiteouts.add(n.parent().isEmpty() ? target : n.parent() + "/" + target);
          }
          continue;
        }
        if (n.isRoot() && e.type() != EntryType.DIR) {
          throw new InvalidImageException(what + ": the image root must be a directory");
        }
        validate(e, what);
        LayerEntry previous = entries.get(n.path());
        if (previous != null) {
          if (previous.type() == EntryType.DIR && e.type() == EntryType.DIR) {
            entries.remove(n.path()); // the later directory header's metadata wins
          } else {
            throw new InvalidImageException(
                what + ": duplicate entry for '" + n.path() + "' in the same layer");
          }
        }
        entries.put(n.path(), e);
        if (e.type() == EntryType.HARDLINK) {
          hardlinks.add(n.path());
        }
      }

      // Whiteouts and opaque markers act on the lower layers only, so apply them before adding.
      for (String dir : opaqueDirs) {
        ensureDir(dir, layerIndex).children.clear();
      }
      for (String path : whiteouts) {
        int slash = path.lastIndexOf('/');
        Node parent = ensureDir(slash < 0 ? "" : path.substring(0, slash), layerIndex);
        parent.children.remove(path.substring(slash + 1));
      }

      Map<String, Node> added = new HashMap<>();
      for (Map.Entry<String, LayerEntry> me : entries.entrySet()) {
        LayerEntry e = me.getValue();
        if (e.type() == EntryType.HARDLINK) {
          continue;
        }
        String path = me.getKey();
        if (path.isEmpty()) {
          root.setMetadata(e, layerIndex);
          continue;
        }
        int slash = path.lastIndexOf('/');
        Node parent = ensureDir(slash < 0 ? "" : path.substring(0, slash), layerIndex);
        String name = path.substring(slash + 1);
        Node existing = parent.children.get(name);
        if (e.type() == EntryType.DIR && existing != null && existing.isDir()) {
          existing.setMetadata(e, layerIndex);
          added.put(path, existing);
        } else {
          Node node = Node.of(e, layerIndex);
          parent.children.put(name, node);
          added.put(path, node);
        }
      }
      resolveHardlinks(layerIndex, layer, entries, hardlinks, added);
    }

    private void resolveHardlinks(
        int layerIndex,
        Layer layer,
        Map<String, LayerEntry> entries,
        List<String> hardlinks,
        Map<String, Node> added)
        throws InvalidImageException {
      // Links may point at links and may come before their target: resolve until no progress.
      Deque<String> pending = new ArrayDeque<>(hardlinks);
      int stalled = 0;
      while (!pending.isEmpty()) {
        String path = pending.removeFirst();
        LayerEntry e = entries.get(path);
        String what = "layer " + layerIndex + " (" + layer.id() + ") hard link '" + e.name() + "'";
        String target = EntryPaths.normalize(e.linkName(), what).path();
        Node node = added.get(target);
        if (node == null && entries.containsKey(target)) {
          // Target is a not yet resolved link of this layer.
          pending.addLast(path);
          if (++stalled > pending.size()) {
            throw new InvalidImageException(what + ": hard link cycle through '" + target + "'");
          }
          continue;
        }
        stalled = 0;
        if (node == null) {
          node = lookupNoFollow(target);
        }
        if (node == null) {
          throw new InvalidImageException(
              what + ": target '" + e.linkName() + "' does not exist in this or a lower layer");
        }
        if (node.isDir()) {
          throw new InvalidImageException(what + ": target '" + e.linkName() + "' is a directory");
        }
        if (target.equals(path)) {
          throw new InvalidImageException(what + ": links to itself");
        }
        int slash = path.lastIndexOf('/');
        Node parent = ensureDir(slash < 0 ? "" : path.substring(0, slash), layerIndex);
        parent.children.put(path.substring(slash + 1), node);
        added.put(path, node);
      }
    }

    private Node lookupNoFollow(String path) {
      Node cur = root;
      if (path.isEmpty()) {
        return cur;
      }
      for (String part : path.split("/")) {
        if (cur.children == null) {
          return null;
        }
        cur = cur.children.get(part);
        if (cur == null) {
          return null;
        }
      }
      return cur;
    }

    /**
     * True when an ancestor is AUFS metadata ({@code .wh..wh.plnk/...}), which is skipped; an
     * ancestor that is any other whiteout name makes no sense and is rejected.
     */
    private static boolean insideAufsMetadata(String path, String what)
        throws InvalidImageException {
      int slash = path.lastIndexOf('/');
      if (slash < 0) {
        return false;
      }
      for (String part : path.substring(0, slash).split("/")) {
        if (part.startsWith(WHITEOUT_META_PREFIX)) {
          return true;
        }
        if (part.startsWith(WHITEOUT_PREFIX)) {
          throw new InvalidImageException(
              what + ": whiteout name '" + part + "' used as a directory");
        }
      }
      return false;
    }

    private static void validate(LayerEntry e, String what) throws InvalidImageException {
      switch (e.type()) {
        case SYMLINK -> {
          if (e.linkName().isEmpty()) {
            throw new InvalidImageException(what + ": symlink without a target");
          }
          if (e.linkName().indexOf('\0') >= 0) {
            throw new InvalidImageException(what + ": symlink target contains a NUL byte");
          }
          if (e.linkName().getBytes(StandardCharsets.UTF_8).length > EntryPaths.MAX_PATH_BYTES) {
            throw new InvalidImageException(what + ": symlink target is too long");
          }
        }
        case HARDLINK -> {
          if (e.linkName().isEmpty()) {
            throw new InvalidImageException(what + ": hard link without a target");
          }
        }
        case REG -> validateChunks(e, what);
        default -> {}
      }
    }

    private static void validateChunks(LayerEntry e, String what) throws InvalidImageException {
      long expected = 0;
      for (ChunkRef c : e.chunks()) {
        if (c.fileOffset() != expected) {
          throw new InvalidImageException(
              what
                  + ": chunks do not cover the file contiguously (expected a chunk at offset "
                  + expected
                  + ", found "
                  + c.fileOffset()
                  + ")");
        }
        expected = c.endOffset();
      }
      if (expected != e.size()) {
        throw new InvalidImageException(
            what + ": chunks cover " + expected + " bytes but the file has " + e.size());
      }
    }

    /** Walks to {@code path}, creating missing directories and replacing non-directories. */
    private Node ensureDir(String path, int layerIndex) {
      Node cur = root;
      if (path.isEmpty()) {
        return cur;
      }
      for (String part : path.split("/")) {
        Node child = cur.children.get(part);
        if (child == null || !child.isDir()) {
          if (child != null) {
            warnings.add(
                "layer "
                    + layerIndex
                    + ": "
                    + child.type
                    + " '"
                    + path
                    + "' replaced by a directory because an upper entry lies beneath it");
          }
          child = Node.implicitDir(layerIndex);
          cur.children.put(part, child);
        }
        cur = child;
      }
      return cur;
    }

    MergedTree freeze(int layerCount) {
      // Count names per node first: a hard-linked node's nlink is the number of its names.
      IdentityHashMap<Node, Integer> names = new IdentityHashMap<>();
      countNames(root, names);
      IdentityHashMap<Node, TreeNode> frozen = new IdentityHashMap<>();
      Map<String, TreeNode> byPath = new LinkedHashMap<>();
      long[] next = {1};
      long[] bytes = {0};
      TreeNode r = freeze(root, "/", names, frozen, byPath, next, bytes);
      return new MergedTree(
          r,
          Collections.unmodifiableMap(byPath),
          layerCount,
          frozen.size(),
          bytes[0],
          orderedWarnings());
    }

    private List<String> orderedWarnings() {
      return List.copyOf(new LinkedHashSet<>(warnings));
    }

    private static void countNames(Node dir, IdentityHashMap<Node, Integer> names) {
      for (Node child : dir.children.values()) {
        names.merge(child, 1, Integer::sum);
        if (child.isDir()) {
          countNames(child, names);
        }
      }
    }

    private static TreeNode freeze(
        Node n,
        String path,
        IdentityHashMap<Node, Integer> names,
        IdentityHashMap<Node, TreeNode> frozen,
        Map<String, TreeNode> byPath,
        long[] next,
        long[] bytes) {
      TreeNode done = frozen.get(n);
      if (done != null) {
        byPath.put(path, done);
        return done;
      }
      int nlink;
      if (n.isDir()) {
        nlink = 2 + (int) n.children.values().stream().filter(Node::isDir).count();
      } else {
        nlink = names.getOrDefault(n, 1);
      }
      long size =
          n.type == EntryType.SYMLINK ? n.linkName.getBytes(StandardCharsets.UTF_8).length : n.size;
      TreeNode t =
          new TreeNode(
              next[0]++,
              n.type,
              n.mode,
              n.uid,
              n.gid,
              size,
              n.mtime,
              n.linkName,
              n.devMajor,
              n.devMinor,
              n.xattrs,
              n.contentDigest,
              n.layer,
              n.chunks,
              nlink);
      frozen.put(n, t);
      byPath.put(path, t);
      if (n.type == EntryType.REG) {
        bytes[0] += n.size;
      }
      if (n.isDir()) {
        TreeMap<String, TreeNode> kids = new TreeMap<>();
        String prefix = path.equals("/") ? "/" : path + "/";
        for (Map.Entry<String, Node> c : n.children.entrySet()) {
          kids.put(
              c.getKey(),
              freeze(c.getValue(), prefix + c.getKey(), names, frozen, byPath, next, bytes));
        }
        t.setChildren(kids);
      }
      return t;
    }
  }

  @Override
  public String toString() {
    return "MergedTree[" + layerCount + " layers, " + inodeCount + " inodes]";
  }
}
