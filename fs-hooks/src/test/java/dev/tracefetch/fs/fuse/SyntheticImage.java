package dev.tracefetch.fs.fuse;

import dev.tracefetch.fs.image.EntryType;
import dev.tracefetch.fs.image.LayerEntry;
import dev.tracefetch.fs.local.LocalImage;
import dev.tracefetch.fs.local.LocalLayerBuilder;
import dev.tracefetch.layer.tar.Xattrs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A three-layer image exercising every entry type and every merge rule, and — written out by hand,
 * not computed by the code under test — the tree a container must see when it is mounted.
 */
final class SyntheticImage {
  static final int CHUNK = 64 * 1024;
  static final long T0 = Instant.parse("2021-01-01T00:00:00Z").getEpochSecond();
  static final long T1 = Instant.parse("2022-01-01T00:00:00Z").getEpochSecond();
  static final long T2 = Instant.parse("2023-06-15T12:30:00Z").getEpochSecond();

  /** security.capability v2 granting CAP_NET_RAW (bit 13) permitted + effective. */
  static final byte[] CAP_NET_RAW = {
    0x01, 0x00, 0x00, 0x02, 0x00, 0x20, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
  };

  static final byte[] LIBBIG = random(1, 300_000);
  static final byte[] BIGBIN = random(2, 1_048_576 + 123);

  enum Kind {
    DIR,
    REG,
    SYMLINK,
    CHAR,
    BLOCK,
    FIFO
  }

  /** What one path must look like in the mounted tree. */
  record Expected(
      Kind kind,
      int mode,
      int uid,
      int gid,
      long mtime,
      byte[] content,
      String link,
      int nlink,
      int major,
      int minor,
      Map<String, byte[]> xattrs) {}

  private SyntheticImage() {}

  static byte[] random(int seed, int size) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static LayerEntry.Builder e(String name, EntryType type, int mode, long mtime) {
    return LayerEntry.builder(name, type).mode(mode).mtime(Instant.ofEpochSecond(mtime));
  }

  static LocalImage build(Path dir) throws Exception {
    LocalLayerBuilder l0 = new LocalLayerBuilder(0, dir.resolve("layer0.data"), CHUNK);
    l0.add(e("./", EntryType.DIR, 0755, T0), null)
        .add(e("bin/", EntryType.DIR, 0755, T0), null)
        .add(
            e("bin/tool", EntryType.REG, 0755, T0)
                .xattrs(
                    Xattrs.of(
                        Map.of("security.capability", CAP_NET_RAW, "user.comment", utf8("tool")))),
            utf8("#!tool v1\n"))
        .add(e("bin/tool2", EntryType.HARDLINK, 0755, T0).linkName("bin/tool"), null)
        .add(e("bin/sh", EntryType.SYMLINK, 0777, T0).linkName("tool"), null)
        .add(e("etc/", EntryType.DIR, 0755, T0), null)
        .add(e("etc/hostname", EntryType.REG, 0644, T0), utf8("base\n"))
        .add(e("etc/shadow", EntryType.REG, 0640, T0).owner(0, 42), utf8("root:*:19000::::::\n"))
        .add(
            e("etc/localtime", EntryType.SYMLINK, 0777, T0).linkName("/usr/share/zoneinfo/UTC"),
            null)
        .add(e("usr/lib/", EntryType.DIR, 0755, T0), null)
        .add(e("usr/lib/libbig.so", EntryType.REG, 0644, T0), LIBBIG)
        .add(e("lib", EntryType.SYMLINK, 0777, T0).linkName("usr/lib"), null)
        .add(e("var/cache/apt/pkgcache.bin", EntryType.REG, 0644, T0), utf8("cache"))
        .add(e("opt/app/", EntryType.DIR, 0755, T0), null)
        .add(e("opt/app/old.txt", EntryType.REG, 0644, T0), utf8("old"))
        .add(e("opt/app/keep/", EntryType.DIR, 0700, T0), null)
        .add(e("opt/app/keep/deep.txt", EntryType.REG, 0644, T0), utf8("deep"))
        .add(e("dev/", EntryType.DIR, 0755, T0), null)
        .add(e("dev/null", EntryType.CHAR, 0666, T0).device(1, 3), null)
        .add(e("dev/sda", EntryType.BLOCK, 0660, T0).owner(0, 6).device(8, 0), null)
        .add(e("run/fifo", EntryType.FIFO, 0644, T0), null)
        .add(e("home/user/", EntryType.DIR, 0700, T0).owner(1000, 1000), null)
        .add(e("home/user/secret", EntryType.REG, 0600, T0).owner(1000, 1000), utf8("s3cret"))
        .add(e("data/", EntryType.DIR, 0755, T0), null)
        .add(e("data/suid", EntryType.REG, 04755, T0), utf8("suid"))
        .add(e("data/sticky/", EntryType.DIR, 01777, T0), null)
        .add(e("tmp/", EntryType.DIR, 01777, T0), null);

    LocalLayerBuilder l1 = new LocalLayerBuilder(1, dir.resolve("layer1.data"), CHUNK);
    l1.whiteout("etc/shadow")
        .whiteout("var/cache")
        .opaque("opt/app")
        .add(e("opt/app/new.txt", EntryType.REG, 0644, T1), utf8("new"))
        .add(e("etc/hostname", EntryType.REG, 0644, T1), utf8("upper\n"))
        .add(e("usr/lib/liba.so", EntryType.REG, 0755, T1), utf8("A-library"))
        .add(e("usr/lib/libb.so", EntryType.HARDLINK, 0755, T1).linkName("usr/lib/liba.so"), null)
        .add(e("usr/share/big.bin", EntryType.REG, 0644, T1), BIGBIN)
        .add(e("var/log/new.log", EntryType.REG, 0644, T1), utf8("log"));

    LocalLayerBuilder l2 = new LocalLayerBuilder(2, dir.resolve("layer2.data"), CHUNK);
    l2.add(e("data/", EntryType.DIR, 0711, T2).owner(5, 6), null)
        .whiteout("bin/tool")
        .add(e("empty", EntryType.REG, 0644, T2), new byte[0])
        .add(e("names/with space", EntryType.REG, 0644, T2), utf8("space"))
        .add(e("names/ünïcødé", EntryType.REG, 0644, T2), utf8("unicode"));

    return LocalImage.of(List.of(l0.build("layer0"), l1.build("layer1"), l2.build("layer2")));
  }

  private static Expected dir(int mode, long mtime) {
    return dir(mode, 0, 0, mtime);
  }

  private static Expected dir(int mode, int uid, int gid, long mtime) {
    return new Expected(Kind.DIR, mode, uid, gid, mtime, null, null, -1, 0, 0, Map.of());
  }

  private static Expected implicitDir() {
    return dir(0755, 0);
  }

  private static Expected file(int mode, long mtime, byte[] content) {
    return file(mode, 0, 0, mtime, content, 1, Map.of());
  }

  private static Expected file(
      int mode, int uid, int gid, long mtime, byte[] content, int nlink, Map<String, byte[]> x) {
    return new Expected(Kind.REG, mode, uid, gid, mtime, content, null, nlink, 0, 0, x);
  }

  private static Expected symlink(String target, long mtime) {
    return new Expected(Kind.SYMLINK, 0777, 0, 0, mtime, null, target, 1, 0, 0, Map.of());
  }

  /** The merged tree, written out by hand. Directory nlink is derived from this map. */
  static Map<String, Expected> expected() {
    Map<String, Expected> m = new LinkedHashMap<>();
    m.put("/", dir(0755, T0));
    m.put("/bin", dir(0755, T0));
    m.put(
        "/bin/tool2",
        file(
            0755,
            0,
            0,
            T0,
            utf8("#!tool v1\n"),
            1,
            Map.of("security.capability", CAP_NET_RAW, "user.comment", utf8("tool"))));
    m.put("/bin/sh", symlink("tool", T0));
    m.put("/data", dir(0711, 5, 6, T2));
    m.put("/data/suid", file(04755, T0, utf8("suid")));
    m.put("/data/sticky", dir(01777, T0));
    m.put("/dev", dir(0755, T0));
    m.put("/dev/null", new Expected(Kind.CHAR, 0666, 0, 0, T0, null, null, 1, 1, 3, Map.of()));
    m.put("/dev/sda", new Expected(Kind.BLOCK, 0660, 0, 6, T0, null, null, 1, 8, 0, Map.of()));
    m.put("/empty", file(0644, T2, new byte[0]));
    m.put("/etc", dir(0755, T0));
    m.put("/etc/hostname", file(0644, T1, utf8("upper\n")));
    m.put("/etc/localtime", symlink("/usr/share/zoneinfo/UTC", T0));
    m.put("/home", implicitDir());
    m.put("/home/user", dir(0700, 1000, 1000, T0));
    m.put("/home/user/secret", file(0600, 1000, 1000, T0, utf8("s3cret"), 1, Map.of()));
    m.put("/lib", symlink("usr/lib", T0));
    m.put("/names", implicitDir());
    m.put("/names/with space", file(0644, T2, utf8("space")));
    m.put("/names/ünïcødé", file(0644, T2, utf8("unicode")));
    m.put("/opt", implicitDir());
    m.put("/opt/app", dir(0755, T0));
    m.put("/opt/app/new.txt", file(0644, T1, utf8("new")));
    m.put("/run", implicitDir());
    m.put("/run/fifo", new Expected(Kind.FIFO, 0644, 0, 0, T0, null, null, 1, 0, 0, Map.of()));
    m.put("/tmp", dir(01777, T0));
    m.put("/usr", implicitDir());
    m.put("/usr/lib", dir(0755, T0));
    m.put("/usr/lib/libbig.so", file(0644, T0, LIBBIG));
    m.put("/usr/lib/liba.so", file(0755, 0, 0, T1, utf8("A-library"), 2, Map.of()));
    m.put("/usr/lib/libb.so", file(0755, 0, 0, T1, utf8("A-library"), 2, Map.of()));
    m.put("/usr/share", implicitDir());
    m.put("/usr/share/big.bin", file(0644, T1, BIGBIN));
    m.put("/var", implicitDir());
    m.put("/var/log", implicitDir());
    m.put("/var/log/new.log", file(0644, T1, utf8("log")));
    return m;
  }

  /** Paths that must be one inode. */
  static List<List<String>> hardlinkGroups() {
    return List.of(List.of("/usr/lib/liba.so", "/usr/lib/libb.so"));
  }
}
