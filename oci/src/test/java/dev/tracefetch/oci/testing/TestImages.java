package dev.tracefetch.oci.testing;

import java.time.Instant;

/** Ready-made test images, so tests across modules exercise the same tricky content. */
public final class TestImages {
  /** The eStargz default chunk size; the sample's large file spans several of them. */
  public static final int CHUNK = 4 << 20;

  private TestImages() {}

  /**
   * Three gzip layers with every entry kind: regular files (empty, small, 2.5 chunks + 123 bytes),
   * nested directories, absolute and relative symlinks, a hardlink, setuid and unusual modes,
   * non-root owners, distinct mtimes, a whiteout of a file and of a directory, an opaque directory,
   * and a file replaced by a later layer.
   */
  public static TestImage sample() {
    return sample(TestImage.Compression.GZIP);
  }

  public static TestImage sample(TestImage.Compression compression) {
    Instant t1 = Instant.parse("2023-05-06T07:08:09Z");
    TestLayer base =
        TestLayer.builder()
            .directory("bin")
            .add(TestEntry.file("bin/tool", "#!/bin/sh\necho tool\n").withMode(0755))
            .add(TestEntry.file("bin/suid", "suid").withMode(04755))
            .symlink("bin/sh", "/bin/busybox")
            .add(TestEntry.directory("etc").withMtime(t1))
            .file("etc/hostname", "base\n")
            .file("etc/os-release", "ID=tracefetch-test\n")
            .hardlink("etc/os-release.link", "etc/os-release")
            .add(TestEntry.file("etc/empty", new byte[0]))
            .add(TestEntry.directory("home/app").withOwner(1000, 1000).withMode(0750))
            .add(TestEntry.file("home/app/secret", "s3cret").withOwner(1000, 1000).withMode(0600))
            .file("var/cache/old/a", "a")
            .file("var/cache/old/b", "b")
            .file("opt/conf/keep-me-not", "lower")
            .file("opt/conf/also-hidden", "lower")
            .build();
    TestLayer data =
        TestLayer.builder()
            .largeFile("data/big.bin", 2 * CHUNK + CHUNK / 2 + 123, 77)
            .symlink("data/latest", "big.bin")
            .add(TestEntry.file("etc/hostname", "layer2\n").withMtime(t1))
            .whiteout("var/cache/old")
            .build();
    TestLayer top =
        TestLayer.builder()
            .opaque("opt/conf")
            .file("opt/conf/only", "upper")
            .whiteout("etc/empty")
            .add(TestEntry.file("srv/dir with spaces/ünïcödé.txt", "names"))
            .file("srv/" + "deep/".repeat(25) + "file", "long path")
            .build();
    return TestImage.builder()
        .layer(base)
        .layer(data)
        .layer(top)
        .compression(compression)
        .env("PATH=/usr/bin:/bin", "APP_MODE=test")
        .entrypoint("/bin/tool")
        .cmd("--serve")
        .workingDir("/home/app")
        .user("1000:1000")
        .build();
  }
}
