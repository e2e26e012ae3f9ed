package dev.tracefetch.oci.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * A layer built in code: an ordered list of {@link TestEntry}s written as a real tar (PAX headers
 * for long names and big numbers), deterministic for the same entries. Missing parent directories
 * are added as {@code 0755 root} directory entries before their first child, as image builders do.
 *
 * <pre>{@code
 * TestLayer layer = TestLayer.builder()
 *     .add(TestEntry.file("etc/motd", "hi\n"))
 *     .add(TestEntry.symlink("etc/alias", "motd"))
 *     .add(TestEntry.largeFile("data/big.bin", 9 << 20, 1))
 *     .build();
 * }</pre>
 */
public final class TestLayer {
  private final List<TestEntry> entries;

  private TestLayer(List<TestEntry> entries) {
    this.entries = List.copyOf(entries);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The entries in tar order, including added parent directories. */
  public List<TestEntry> entries() {
    return entries;
  }

  /** The uncompressed tar. */
  public byte[] tar() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      tar.setAddPaxHeadersForNonAsciiNames(true);
      for (TestEntry e : entries) {
        TarArchiveEntry t = toTar(e);
        tar.putArchiveEntry(t);
        if (e.type() == TestEntry.Type.FILE) {
          tar.write(e.content());
        }
        tar.closeArchiveEntry();
      }
      tar.finish();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write test layer tar", e);
    }
    return out.toByteArray();
  }

  /** The tar, gzip-compressed (deterministic: no name or mtime in the gzip header). */
  public byte[] tarGzip() {
    return gzip(tar());
  }

  /** Gzips {@code data} deterministically. */
  static byte[] gzip(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot gzip test layer", e);
    }
    return out.toByteArray();
  }

  private static TarArchiveEntry toTar(TestEntry e) {
    TarArchiveEntry t =
        switch (e.type()) {
          case DIRECTORY -> new TarArchiveEntry(e.tarName(), TarConstants.LF_DIR, true);
          case SYMLINK -> {
            TarArchiveEntry s = new TarArchiveEntry(e.tarName(), TarConstants.LF_SYMLINK, true);
            s.setLinkName(e.linkTarget());
            yield s;
          }
          case HARDLINK -> {
            TarArchiveEntry h = new TarArchiveEntry(e.tarName(), TarConstants.LF_LINK, true);
            h.setLinkName(e.linkTarget());
            yield h;
          }
          default -> {
            TarArchiveEntry f = new TarArchiveEntry(e.tarName(), TarConstants.LF_NORMAL, true);
            f.setSize(e.type() == TestEntry.Type.FILE ? e.content().length : 0);
            yield f;
          }
        };
    t.setMode(e.mode() & 07777);
    t.setUserId(e.uid());
    t.setGroupId(e.gid());
    t.setUserName("");
    t.setGroupName("");
    t.setModTime(FileTime.from(e.mtime()));
    return t;
  }

  /** Collects entries. */
  public static final class Builder {
    private final List<TestEntry> entries = new ArrayList<>();
    private final Set<String> dirs = new HashSet<>();
    private final Set<String> paths = new HashSet<>();

    private Builder() {}

    /** Adds an entry (after any missing parent directories). */
    public Builder add(TestEntry entry) {
      addParents(entry.type() == TestEntry.Type.OPAQUE ? entry.path() + "/x" : entry.path());
      if (entry.type() == TestEntry.Type.HARDLINK && !paths.contains(entry.linkTarget())) {
        throw new IllegalArgumentException(
            "hardlink " + entry.path() + " must follow its target " + entry.linkTarget());
      }
      if (entry.type() == TestEntry.Type.DIRECTORY) {
        if (dirs.contains(entry.path())) {
          throw new IllegalArgumentException(
              "directory "
                  + entry.path()
                  + " is already in this layer (add it before its children)");
        }
        dirs.add(entry.path());
      }
      if (entry.type() != TestEntry.Type.OPAQUE) {
        paths.add(entry.path());
      }
      entries.add(entry);
      return this;
    }

    public Builder file(String path, String utf8) {
      return add(TestEntry.file(path, utf8));
    }

    public Builder file(String path, byte[] content, int mode) {
      return add(TestEntry.file(path, content).withMode(mode));
    }

    public Builder directory(String path) {
      return add(TestEntry.directory(path));
    }

    public Builder symlink(String path, String target) {
      return add(TestEntry.symlink(path, target));
    }

    public Builder hardlink(String path, String existingPath) {
      return add(TestEntry.hardlink(path, existingPath));
    }

    public Builder whiteout(String path) {
      return add(TestEntry.whiteout(path));
    }

    public Builder opaque(String directory) {
      return add(TestEntry.opaque(directory));
    }

    public Builder largeFile(String path, int size, long seed) {
      return add(TestEntry.largeFile(path, size, seed));
    }

    private void addParents(String path) {
      int slash = path.indexOf('/');
      while (slash > 0) {
        String dir = path.substring(0, slash);
        if (dirs.add(dir)) {
          paths.add(dir);
          entries.add(TestEntry.directory(dir));
        }
        slash = path.indexOf('/', slash + 1);
      }
    }

    public TestLayer build() {
      return new TestLayer(entries);
    }
  }
}
