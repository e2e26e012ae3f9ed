package dev.tracefetch.fs.fuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracefetch.fs.fuse.SyntheticImage.Expected;
import dev.tracefetch.fs.fuse.SyntheticImage.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** Mounts the synthetic three-layer image through real FUSE and inspects it as a user would. */
class LazyImageMountIT {
  @TempDir Path work;
  private MountedImage m;

  @BeforeEach
  void mount() throws Exception {
    m = MountedImage.mount(SyntheticImage.build(work), work, MountOptions.defaults());
  }

  @AfterEach
  void release() throws Exception {
    if (m != null) {
      m.close();
    }
  }

  private static String kindOf(Map<String, Object> attrs) {
    int fmt = (Integer) attrs.get("mode") & 0170000;
    return switch (fmt) {
      case 0040000 -> "DIR";
      case 0100000 -> "REG";
      case 0120000 -> "SYMLINK";
      case 0020000 -> "CHAR";
      case 0060000 -> "BLOCK";
      case 0010000 -> "FIFO";
      default -> "other " + Integer.toOctalString(fmt);
    };
  }

  private static int expectedNlink(String path, Expected e, Map<String, Expected> all) {
    if (e.kind() != Kind.DIR) {
      return e.nlink();
    }
    String prefix = path.equals("/") ? "/" : path + "/";
    int subdirs = 0;
    for (Map.Entry<String, Expected> c : all.entrySet()) {
      String rest = c.getKey().startsWith(prefix) ? c.getKey().substring(prefix.length()) : null;
      if (rest != null
          && !rest.isEmpty()
          && !rest.contains("/")
          && c.getValue().kind() == Kind.DIR) {
        subdirs++;
      }
    }
    return 2 + subdirs;
  }

  private List<String> walk() throws IOException {
    List<String> found = new ArrayList<>();
    Path root = m.root();
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            found.add(dir.equals(root) ? "/" : "/" + root.relativize(dir));
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            found.add("/" + root.relativize(file));
            return FileVisitResult.CONTINUE;
          }
        });
    return found;
  }

  @Test
  void wholeTreeMatchesTheExpectedMergedTreeByteForByte() throws Exception {
    Map<String, Expected> expected = SyntheticImage.expected();
    assertThat(new TreeSet<>(walk())).isEqualTo(new TreeSet<>(expected.keySet()));

    Map<Long, String> inodes = new HashMap<>();
    for (Map.Entry<String, Expected> entry : expected.entrySet()) {
      String p = entry.getKey();
      Expected e = entry.getValue();
      Path host = m.path(p);
      Map<String, Object> a = Files.readAttributes(host, "unix:*", LinkOption.NOFOLLOW_LINKS);
      assertThat(kindOf(a)).as("type of %s", p).isEqualTo(e.kind().name());
      assertThat((Integer) a.get("mode") & 07777).as("mode of %s", p).isEqualTo(e.mode());
      assertThat(a.get("uid")).as("uid of %s", p).isEqualTo(e.uid());
      assertThat(a.get("gid")).as("gid of %s", p).isEqualTo(e.gid());
      assertThat(((FileTime) a.get("lastModifiedTime")).toInstant().getEpochSecond())
          .as("mtime of %s", p)
          .isEqualTo(e.mtime());
      assertThat(a.get("nlink")).as("nlink of %s", p).isEqualTo(expectedNlink(p, e, expected));
      switch (e.kind()) {
        case REG -> {
          assertThat(a.get("size")).as("size of %s", p).isEqualTo((long) e.content().length);
          assertThat(Files.readAllBytes(host)).as("content of %s", p).isEqualTo(e.content());
        }
        case SYMLINK -> {
          assertThat(Files.readSymbolicLink(host).toString())
              .as("target of %s", p)
              .isEqualTo(e.link());
          assertThat(a.get("size"))
              .isEqualTo((long) e.link().getBytes(StandardCharsets.UTF_8).length);
        }
        case CHAR, BLOCK -> {
          long rdev = (Long) a.get("rdev");
          assertThat(rdev >> 8 & 0xfff).as("major of %s", p).isEqualTo((long) e.major());
          assertThat(rdev & 0xff).as("minor of %s", p).isEqualTo((long) e.minor());
        }
        default -> {}
      }
      if (e.kind() == Kind.REG || e.kind() == Kind.DIR) {
        assertThat(NativeXattrs.list(host))
            .as("xattrs of %s", p)
            .containsExactlyInAnyOrderElementsOf(e.xattrs().keySet());
        for (Map.Entry<String, byte[]> x : e.xattrs().entrySet()) {
          assertThat(NativeXattrs.get(host, x.getKey()))
              .as("%s of %s", x.getKey(), p)
              .hasValueSatisfying(v -> assertThat(v).isEqualTo(x.getValue()));
        }
      }
      String other = inodes.put((Long) a.get("ino"), p);
      boolean linked =
          other != null
              && SyntheticImage.hardlinkGroups().stream()
                  .anyMatch(g -> g.contains(other) && g.contains(p));
      assertThat(other == null || linked).as("inode of %s shared with %s", p, other).isTrue();
    }
    for (List<String> group : SyntheticImage.hardlinkGroups()) {
      Set<Object> ids = new HashSet<>();
      for (String p : group) {
        ids.add(Files.getAttribute(m.path(p), "unix:ino", LinkOption.NOFOLLOW_LINKS));
      }
      assertThat(ids).as("one inode for %s", group).hasSize(1);
    }
  }

  @Test
  void statCommandAgreesWithTheExpectedTree() throws Exception {
    Map<String, Expected> expected = SyntheticImage.expected();
    List<String> cmd = new ArrayList<>(List.of("stat", "--printf", "%n|%f|%u|%g|%s|%h|%t|%T\\n"));
    for (String p : expected.keySet()) {
      cmd.add(m.path(p).toString());
    }
    Process proc = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(proc.waitFor()).as(out).isZero();
    String[] lines = out.split("\n");
    assertThat(lines).hasSize(expected.size());
    int i = 0;
    for (Map.Entry<String, Expected> entry : expected.entrySet()) {
      String[] f = lines[i++].split("\\|");
      Expected e = entry.getValue();
      String p = entry.getKey();
      assertThat(f[0]).isEqualTo(m.path(p).toString());
      int mode = Integer.parseInt(f[1], 16);
      assertThat(mode & 07777).as("stat mode of %s", p).isEqualTo(e.mode());
      assertThat(Integer.parseInt(f[2])).as("stat uid of %s", p).isEqualTo(e.uid());
      assertThat(Integer.parseInt(f[3])).as("stat gid of %s", p).isEqualTo(e.gid());
      if (e.kind() == Kind.REG) {
        assertThat(Long.parseLong(f[4])).as("stat size of %s", p).isEqualTo(e.content().length);
      }
      assertThat(Integer.parseInt(f[5]))
          .as("stat nlink of %s", p)
          .isEqualTo(expectedNlink(p, e, expected));
      assertThat(Integer.parseInt(f[6], 16)).as("stat major of %s", p).isEqualTo(e.major());
      assertThat(Integer.parseInt(f[7], 16)).as("stat minor of %s", p).isEqualTo(e.minor());
    }
  }

  private static void assertReadOnly(Executable change) {
    assertThatThrownBy(change::execute)
        .isInstanceOfSatisfying(
            FileSystemException.class,
            e -> assertThat(e.getMessage()).endsWith("Read-only file system"));
  }

  @Test
  void writesAndMetadataChangesFailWithErofs() throws Exception {
    Path hostname = m.path("/etc/hostname");
    assertReadOnly(() -> Files.writeString(m.path("/new.txt"), "x"));
    assertReadOnly(() -> Files.writeString(hostname, "x", StandardOpenOption.APPEND));
    assertReadOnly(() -> Files.writeString(hostname, "x", StandardOpenOption.TRUNCATE_EXISTING));
    assertReadOnly(() -> Files.delete(hostname));
    assertReadOnly(() -> Files.createDirectory(m.path("/newdir")));
    assertReadOnly(() -> Files.delete(m.path("/tmp")));
    assertReadOnly(() -> Files.move(hostname, m.path("/etc/renamed")));
    assertReadOnly(() -> Files.createSymbolicLink(m.path("/newlink"), Path.of("etc")));
    assertReadOnly(() -> Files.createLink(m.path("/newhard"), hostname));
    assertReadOnly(
        () ->
            Files.setPosixFilePermissions(hostname, PosixFilePermissions.fromString("rwxrwxrwx")));
    assertReadOnly(() -> Files.setAttribute(hostname, "unix:uid", 1234));
    assertReadOnly(() -> Files.setLastModifiedTime(hostname, FileTime.fromMillis(0)));
    assertReadOnly(
        () ->
            Files.getFileAttributeView(hostname, UserDefinedFileAttributeView.class)
                .write("note", ByteBuffer.wrap(new byte[] {1})));
    assertThat(Files.readString(hostname)).isEqualTo("upper\n");
  }

  @Test
  void statfsDescribesAReadOnlyImage() throws Exception {
    FileStore store = Files.getFileStore(m.root());
    assertThat(store.isReadOnly()).isTrue();
    assertThat(store.type()).isEqualTo("fuse.tracefetch");
    long distinctFileBytes = 0;
    Set<Object> seen = new HashSet<>();
    for (Map.Entry<String, Expected> e : SyntheticImage.expected().entrySet()) {
      if (e.getValue().kind() == Kind.REG
          && seen.add(Files.getAttribute(m.path(e.getKey()), "unix:ino"))) {
        distinctFileBytes += e.getValue().content().length;
      }
    }
    assertThat(store.getTotalSpace()).isEqualTo((distinctFileBytes + 4095) / 4096 * 4096);
    assertThat(store.getUsableSpace()).isZero();
  }

  @Test
  void readingOneSmallFileFetchesOnlyItsChunk() throws Exception {
    assertThat(Files.readString(m.path("/etc/hostname"))).isEqualTo("upper\n");
    assertThat(m.image.source().reads()).isEqualTo(1);
    assertThat(m.image.source().bytesRead()).isEqualTo("upper\n".length());

    try (FileChannel ch = FileChannel.open(m.path("/usr/share/big.bin"))) {
      ByteBuffer buf = ByteBuffer.allocate(100);
      ch.read(buf, 500_000);
      assertThat(buf.array())
          .isEqualTo(java.util.Arrays.copyOfRange(SyntheticImage.BIGBIN, 500_000, 500_100));
    }
    // Kernel readahead may pull a few neighbouring chunks, never the whole 1 MiB file.
    assertThat(m.image.source().bytesRead()).isLessThan(SyntheticImage.BIGBIN.length / 2);
  }

  @Test
  void concurrentRandomReadsReturnExactBytes() throws Exception {
    byte[] big = SyntheticImage.BIGBIN;
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int seed = t;
        results.add(
            pool.submit(
                () -> {
                  Random r = new Random(seed);
                  int checked = 0;
                  try (FileChannel ch = FileChannel.open(m.path("/usr/share/big.bin"))) {
                    for (int i = 0; i < 200; i++) {
                      int off = r.nextInt(big.length);
                      int len = Math.min(1 + r.nextInt(300_000), big.length - off);
                      ByteBuffer buf = ByteBuffer.allocate(len);
                      while (buf.hasRemaining()) {
                        if (ch.read(buf, off + buf.position()) < 0) {
                          break;
                        }
                      }
                      for (int k = 0; k < len; k += 997) {
                        if (buf.get(k) != big[off + k]) {
                          throw new AssertionError("byte " + (off + k) + " differs");
                        }
                      }
                      checked++;
                    }
                  }
                  return checked;
                }));
      }
      for (Future<Integer> f : results) {
        assertThat(f.get(5, TimeUnit.MINUTES)).isEqualTo(200);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(m.cache.stats().fetches())
        .isEqualTo((big.length + SyntheticImage.CHUNK - 1) / SyntheticImage.CHUNK);
  }

  @Test
  void secondMountOnTheSameMountpointIsRefused() {
    assertThatThrownBy(() -> Mount.mount(m.ops, m.root(), MountOptions.defaults()))
        .isInstanceOf(MountException.class)
        .hasMessageContaining("already mounted");
  }

  @Test
  void busyMountIsStillReleasedOnClose() throws Exception {
    try (InputStream held = Files.newInputStream(m.path("/usr/lib/libbig.so"))) {
      assertThat(held.read()).isEqualTo(SyntheticImage.LIBBIG[0] & 0xff);
      m.mount.close();
      assertThat(MountTable.find(m.root()).filter(MountTable.Entry::isFuse)).isEmpty();
      // A file opened before the lazy unmount keeps working until it is closed.
      byte[] rest = held.readAllBytes();
      assertThat(rest.length).isEqualTo(SyntheticImage.LIBBIG.length - 1);
    }
  }
}
