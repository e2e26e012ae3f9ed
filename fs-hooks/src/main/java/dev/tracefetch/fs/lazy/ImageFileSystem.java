package dev.tracefetch.fs.lazy;

import dev.tracefetch.fs.cache.ChunkCache;
import dev.tracefetch.fs.image.ChunkRef;
import dev.tracefetch.fs.image.EntryType;
import dev.tracefetch.fs.image.MergedTree;
import dev.tracefetch.fs.image.TreeNode;
import dev.tracefetch.fs.ops.CallContext;
import dev.tracefetch.fs.ops.DirEntry;
import dev.tracefetch.fs.ops.Errno;
import dev.tracefetch.fs.ops.FileAttributes;
import dev.tracefetch.fs.ops.FileHandle;
import dev.tracefetch.fs.ops.FileSystemOperations;
import dev.tracefetch.fs.ops.FsException;
import dev.tracefetch.fs.ops.FsStatistics;
import dev.tracefetch.fs.ops.ReadSink;
import dev.tracefetch.oci.image.DigestMismatchException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A merged image served read-only: metadata from the {@link MergedTree}, file data chunk by chunk
 * from a {@link ChunkSource} through the node's {@link ChunkCache}. Nothing is fetched until a read
 * needs it. A chunk that cannot be fetched or does not match its digest fails that read with {@link
 * Errno#EIO} (and a log line naming layer, chunk and digests); the next read tries again. When the
 * tree itself is not known yet (layers that are not eStargz, see {@link LazyTree}), the first
 * operation that needs it waits for it, and fails with {@code EIO} if it cannot be had.
 */
public final class ImageFileSystem implements FileSystemOperations {
  private static final System.Logger LOG = System.getLogger(ImageFileSystem.class.getName());
  private static final int BLOCK_SIZE = 4096;
  private static final int O_ACCMODE = 03;
  private static final int O_TRUNC = 01000;

  private final LazyTree tree;
  private final ChunkReader chunks;
  private final ChunkReadAhead readAhead;

  /** Serves {@code tree} with chunks from {@code chunks}, reading ahead of sequential readers. */
  public ImageFileSystem(MergedTree tree, ChunkReader chunks, ChunkReadAhead readAhead) {
    this(LazyTree.of(tree), chunks, readAhead);
  }

  /** Serves a tree that may be resolved on first access, reading ahead of sequential readers. */
  public ImageFileSystem(LazyTree tree, ChunkReader chunks, ChunkReadAhead readAhead) {
    this.tree = Objects.requireNonNull(tree, "tree");
    this.chunks = Objects.requireNonNull(chunks, "chunks");
    this.readAhead = Objects.requireNonNull(readAhead, "readAhead");
  }

  /**
   * With the default read-ahead ({@value ChunkReadAhead#DEFAULT_CHUNKS} chunks, {@value
   * ChunkReadAhead#DEFAULT_THREADS} threads).
   */
  public ImageFileSystem(MergedTree tree, ChunkReader chunks) {
    this(tree, chunks, ChunkReadAhead.withDefaults(chunks));
  }

  public ImageFileSystem(MergedTree tree, ChunkSource source, ChunkCache cache) {
    this(tree, new ChunkReader(source, cache));
  }

  /** Serves a tree that may be resolved on first access (see {@link LazyTree}). */
  public ImageFileSystem(LazyTree tree, ChunkSource source, ChunkCache cache) {
    this(tree, new ChunkReader(source, cache));
  }

  private ImageFileSystem(LazyTree tree, ChunkReader reader) {
    this(tree, reader, ChunkReadAhead.withDefaults(reader));
  }

  /** The tree served; resolving it may download layers that are not eStargz. */
  public LazyTree lazyTree() {
    return tree;
  }

  /** The merged tree, resolved first if needed (may block while layers download). */
  public MergedTree tree() throws IOException {
    return tree.get();
  }

  /** The cache-backed chunk reader this filesystem serves data through (for prefetchers). */
  public ChunkReader chunks() {
    return chunks;
  }

  private TreeNode node(String path) throws FsException {
    return resolvedTree(path).lookup(path).orElseThrow(() -> FsException.noEntry(path));
  }

  private MergedTree resolvedTree(String path) throws FsException {
    MergedTree t = tree.ifResolved().orElse(null);
    if (t != null) {
      return t;
    }
    try {
      return tree.get();
    } catch (IOException e) {
      LOG.log(Level.ERROR, "access to " + path + ": " + e.getMessage());
      throw new FsException(Errno.EIO, "access to " + path + ": " + e.getMessage(), e);
    }
  }

  @Override
  public FileAttributes getattr(String path, CallContext ctx) throws FsException {
    return attributes(node(path));
  }

  static FileAttributes attributes(TreeNode n) {
    return new FileAttributes(
        n.inode(),
        n.stMode(),
        n.nlink(),
        Integer.toUnsignedLong(n.uid()),
        Integer.toUnsignedLong(n.gid()),
        n.size(),
        n.devMajor(),
        n.devMinor(),
        n.mtime(),
        n.layer());
  }

  @Override
  public List<DirEntry> readdir(String path, CallContext ctx) throws FsException {
    TreeNode dir = node(path);
    if (!dir.isDirectory()) {
      throw new FsException(Errno.ENOTDIR, "readdir " + path + ": not a directory");
    }
    List<DirEntry> out = new ArrayList<>(dir.children().size());
    for (Map.Entry<String, TreeNode> e : dir.children().entrySet()) {
      out.add(new DirEntry(e.getKey(), e.getValue().inode(), e.getValue().stMode()));
    }
    return out;
  }

  @Override
  public String readlink(String path, CallContext ctx) throws FsException {
    TreeNode n = node(path);
    if (n.type() != EntryType.SYMLINK) {
      throw new FsException(Errno.EINVAL, "readlink " + path + ": not a symlink");
    }
    return n.linkName();
  }

  @Override
  public FileHandle open(String path, int flags, CallContext ctx) throws FsException {
    if ((flags & O_ACCMODE) != 0 || (flags & O_TRUNC) != 0) {
      throw FsException.readOnly("open for writing", path);
    }
    TreeNode n = node(path);
    if (n.isDirectory()) {
      throw new FsException(Errno.EISDIR, "open " + path + ": is a directory");
    }
    return new OpenImageFile(path, n);
  }

  /**
   * Starts fetching the chunks after {@code lastIndex} when the reads on {@code file} move front to
   * back (within a chunk or into the next one); random access gets no read-ahead.
   */
  private void readAhead(OpenImageFile file, int firstIndex, int lastIndex, long offset) {
    int previous = file.lastChunk;
    file.lastChunk = lastIndex;
    boolean sequential =
        offset == 0 || (previous >= 0 && firstIndex >= previous && firstIndex <= previous + 1);
    int ahead = readAhead.activeChunks();
    if (!sequential || ahead == 0) {
      return;
    }
    List<ChunkRef> all = file.node().chunks();
    int upTo = Math.min(all.size() - 1, lastIndex + ahead);
    for (int i = Math.max(lastIndex + 1, file.readAheadUpTo + 1); i <= upTo; i++) {
      readAhead.submit(all.get(i).key());
    }
    file.readAheadUpTo = Math.max(file.readAheadUpTo, upTo);
  }

  @Override
  public int read(FileHandle handle, long offset, int length, ReadSink sink, CallContext ctx)
      throws FsException {
    if (!(handle instanceof OpenImageFile file)) {
      throw new FsException(Errno.EBADF, "read: handle " + handle + " is not from this image");
    }
    TreeNode n = file.node();
    if (offset < 0 || length < 0) {
      throw new FsException(Errno.EINVAL, "read " + file.path() + ": negative offset or length");
    }
    if (n.type() != EntryType.REG || offset >= n.size() || length == 0) {
      return 0;
    }
    long end = Math.min(n.size(), offset + length);
    List<ChunkRef> fileChunks = n.chunks();
    int first = n.indexOfChunkAt(offset);
    // Read-ahead starts before this read's own fetch, so on a cold sequential read the next
    // chunks are fetched while (not after) the demand chunk is.
    readAhead(file, first, n.indexOfChunkAt(end - 1), offset);
    int index = first;
    long pos = offset;
    while (pos < end) {
      ChunkRef chunk = fileChunks.get(index++);
      ByteBuffer data = fetch(file.path(), chunk);
      int from = (int) (pos - chunk.fileOffset());
      int count = (int) Math.min(end - pos, chunk.size() - from);
      sink.put((int) (pos - offset), data.position(from).limit(from + count));
      pos += count;
    }
    return (int) (end - offset);
  }

  private ByteBuffer fetch(String path, ChunkRef chunk) throws FsException {
    try {
      return chunks.read(chunk.key());
    } catch (DigestMismatchException e) {
      LOG.log(
          Level.ERROR,
          "read "
              + path
              + ": layer "
              + chunk.key().layer()
              + " chunk at blob offset "
              + chunk.key().compressedOffset()
              + " should hash to "
              + e.expected()
              + " but hashes to "
              + e.actual());
      throw new FsException(Errno.EIO, "read " + path + ": " + e.getMessage(), e);
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.ERROR, "read " + path + ": fetching " + chunk.key() + " failed: " + e);
      throw new FsException(
          Errno.EIO, "read " + path + ": fetching " + chunk.key() + " failed: " + e, e);
    }
  }

  @Override
  public void release(FileHandle handle, CallContext ctx) {
    // Nothing is held per open file.
  }

  @Override
  public FsStatistics statfs(CallContext ctx) {
    // Never resolves the tree: monitoring agents statfs every mount, which is not an access.
    long blocks = (tree.sizeHint() + BLOCK_SIZE - 1) / BLOCK_SIZE;
    long inodes = tree.ifResolved().map(MergedTree::inodeCount).orElse(0L);
    return new FsStatistics(BLOCK_SIZE, blocks, inodes, 255);
  }

  @Override
  public byte[] getxattr(String path, String name, CallContext ctx) throws FsException {
    return node(path)
        .xattrs()
        .get(name)
        .orElseThrow(
            () -> new FsException(Errno.ENODATA, "getxattr " + path + ": no attribute " + name));
  }

  @Override
  public List<String> listxattr(String path, CallContext ctx) throws FsException {
    return List.copyOf(node(path).xattrs().names());
  }

  /**
   * The handle of an open file: the path it was opened by, its node, and where the last read was
   * (for read-ahead; racy updates only cost a missed or repeated read-ahead).
   */
  static final class OpenImageFile implements FileHandle {
    private final String path;
    private final TreeNode node;
    volatile int lastChunk = -1;
    volatile int readAheadUpTo = -1;

    OpenImageFile(String path, TreeNode node) {
      this.path = path;
      this.node = node;
    }

    TreeNode node() {
      return node;
    }

    @Override
    public String path() {
      return path;
    }

    @Override
    public long inode() {
      return node.inode();
    }

    @Override
    public long size() {
      return node.size();
    }

    @Override
    public int layer() {
      return node.layer();
    }

    @Override
    public List<ChunkRef> chunksFor(long offset, long length) {
      return node.chunksOverlapping(offset, length);
    }

    @Override
    public String toString() {
      return "open " + path;
    }
  }
}
