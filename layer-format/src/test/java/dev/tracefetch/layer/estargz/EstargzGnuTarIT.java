package dev.tracefetch.layer.estargz;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tracefetch.oci.image.Digest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The blobs we write against the real GNU tar, gzip and zstd: a layer made by {@code tar} from a
 * real directory tree is converted, then listed and extracted by {@code tar -xzf} as any
 * eStargz-unaware runtime would, and the extracted tree must equal the source tree.
 */
class EstargzGnuTarIT {
  static final int CHUNK = Estargz.DEFAULT_CHUNK_SIZE;
  static final FileTime MTIME = FileTime.from(java.time.Instant.parse("2023-05-06T07:08:09Z"));

  @TempDir Path tmp;
  Path src;
  boolean devices;

  @BeforeEach
  void buildSourceTree() throws IOException, InterruptedException {
    src = Files.createDirectories(tmp.resolve("src"));
    for (String d : List.of("bin", "etc", "data", "dev", "opaque", "data/ünïcödé", "tmp")) {
      Files.createDirectories(src.resolve(d));
    }
    for (int size : new int[] {0, 1, CHUNK - 1, CHUNK, CHUNK + 1, CHUNK * 7 / 2}) {
      Files.write(src.resolve("data/size-" + size), TestLayer.content("f" + size, size));
    }
    Files.writeString(src.resolve("etc/hosts"), "127.0.0.1 localhost\n");
    Files.createLink(src.resolve("etc/hosts.hard"), src.resolve("etc/hosts"));
    Files.createSymbolicLink(src.resolve("etc/localhost"), Path.of("hosts"));
    Files.createSymbolicLink(src.resolve("bin/sh"), Path.of("/bin/busybox"));
    Files.write(src.resolve("etc/.wh.removed"), new byte[0]);
    Files.write(src.resolve("opaque/.wh..wh..opq"), new byte[0]);
    Files.write(src.resolve("data/ünïcödé/日本語ファイル.txt"), "こんにちは".getBytes(StandardCharsets.UTF_8));
    Path deep = src.resolve("data");
    for (int i = 0; i < 5; i++) {
      deep = deep.resolve("a-rather-long-directory-name-number-" + i + "-padding-padding");
    }
    Files.createDirectories(deep);
    Files.write(
        deep.resolve("file-with-a-long-name-".repeat(5) + ".bin"), TestLayer.content("d", 5000));
    Path ping = src.resolve("bin/ping");
    Files.write(ping, TestLayer.content("ping", 3000));
    UserDefinedFileAttributeView xattrs =
        Files.getFileAttributeView(ping, UserDefinedFileAttributeView.class);
    xattrs.write("note", ByteBuffer.wrap("hello".getBytes(StandardCharsets.UTF_8)));
    xattrs.write("bin", ByteBuffer.wrap(new byte[] {0, 1, '\n', (byte) 0xff, '='}));
    Files.setAttribute(ping, "unix:mode", 04755);
    Files.write(src.resolve("data/owned"), TestLayer.content("o", 10));
    Files.setAttribute(src.resolve("data/owned"), "unix:uid", 1234);
    Files.setAttribute(src.resolve("data/owned"), "unix:gid", 5678);
    Files.setAttribute(src.resolve("data/owned"), "unix:mode", 0600);
    Files.setAttribute(src.resolve("tmp"), "unix:mode", 01777);
    run(src, "mkfifo", "dev/fifo");
    devices = exec(src, "mknod", "dev/null", "c", "1", "3").exitCode() == 0;
    // touch(1), not Files.setLastModifiedTime: the JDK opens the file to set times, which blocks
    // on a fifo. -h sets symlinks' own times; -depth does children before their directories.
    run(
        src,
        "find",
        ".",
        "-depth",
        "-exec",
        "touch",
        "-h",
        "-d",
        "@" + MTIME.toInstant().getEpochSecond(),
        "{}",
        "+");
  }

  private Path gnuTar() throws IOException, InterruptedException {
    return gnuTar("posix");
  }

  private Path gnuTar(String format) throws IOException, InterruptedException {
    Path layer = tmp.resolve("layer-" + format + ".tar");
    boolean posix = format.equals("posix");
    run(
        tmp,
        "tar",
        "--format=" + format,
        posix ? "--xattrs" : "--no-xattrs",
        posix ? "--xattrs-include=*" : "--no-acls",
        "--numeric-owner",
        "--sort=name",
        "-C",
        src.toString(),
        "-cf",
        layer.toString(),
        ".");
    return layer;
  }

  @Test
  void gnuTarListsAndExtractsTheBlobToTheSourceTree() throws Exception {
    Path layer = gnuTar();
    Path blob = tmp.resolve("layer.estargz");
    EstargzResult result = EstargzWriter.defaults().convert(layer, blob);

    run(tmp, "gzip", "-t", blob.toString());
    List<String> listing = run(tmp, "tar", "-tzf", blob.toString()).lines().toList();
    assertThat(listing.get(0)).isEqualTo(Estargz.NO_PREFETCH_LANDMARK);
    assertThat(listing.get(listing.size() - 1)).isEqualTo(Estargz.TOC_TAR_NAME);
    assertThat(listing)
        .contains("./etc/hosts", "./data/ünïcödé/日本語ファイル.txt", "./opaque/.wh..wh..opq");

    Path out = Files.createDirectories(tmp.resolve("out"));
    run(
        tmp,
        "tar",
        "--xattrs",
        "--xattrs-include=*",
        "--numeric-owner",
        "-xpzf",
        blob.toString(),
        "-C",
        out.toString());
    byte[] toc = Files.readAllBytes(out.resolve(Estargz.TOC_TAR_NAME));
    assertThat(Digest.of(toc)).isEqualTo(result.tocDigest());
    assertThat(result.annotations())
        .containsEntry(Estargz.TOC_DIGEST_ANNOTATION, Digest.of(toc).toString());
    assertThat(Files.readAllBytes(out.resolve(Estargz.NO_PREFETCH_LANDMARK))).containsExactly(0x0f);
    Files.delete(out.resolve(Estargz.TOC_TAR_NAME));
    Files.delete(out.resolve(Estargz.NO_PREFETCH_LANDMARK));

    Map<String, String> expected = describeTree(src);
    Map<String, String> actual = describeTree(out);
    assertThat(actual).isEqualTo(expected);
    assertThat(expected).containsKey("bin/ping");
    assertThat(expected.get("bin/ping")).contains("user.bin=AAEK/z0=");
    if (devices) {
      assertThat(actual.get("dev/null")).contains("rdev=259");
    }
    long hostsInode = (long) Files.getAttribute(out.resolve("etc/hosts"), "unix:ino");
    assertThat((long) Files.getAttribute(out.resolve("etc/hosts.hard"), "unix:ino"))
        .isEqualTo(hostsInode);

    // The uncompressed stream is what the annotations and diff ID say.
    byte[] uncompressed =
        run(tmp, "gzip", "-dc", blob.toString()).getBytes(StandardCharsets.ISO_8859_1);
    assertThat(uncompressed.length).isEqualTo(result.uncompressedSize());
    assertThat(Digest.of(uncompressed)).isEqualTo(result.diffId());
    assertThat(Digest.of(Files.readAllBytes(blob))).isEqualTo(result.blobDigest());
  }

  @Test
  void theReaderServesEveryFileOfTheBlob() throws Exception {
    Path blob = tmp.resolve("layer.estargz");
    EstargzResult result = EstargzWriter.defaults().convert(gnuTar(), blob);
    BlobRangeReader reader = BlobRangeReader.ofFile(blob);
    EstargzIndex index = EstargzReader.open("sha256:it", reader, result.tocDigest());
    int files = 0;
    try (Stream<Path> all = Files.walk(src)) {
      for (Path p : all.toList()) {
        String rel = src.relativize(p).toString();
        EstargzFile f = index.lookup(rel).orElseThrow(() -> new AssertionError(rel));
        if (Files.isRegularFile(p, NOFOLLOW_LINKS)) {
          EstargzFile data = index.resolve(rel).orElseThrow();
          ByteArrayOutputStream content = new ByteArrayOutputStream();
          for (EstargzChunk c : data.chunks()) {
            byte[] range = reader.read(c.compressedOffset(), (int) c.compressedLength());
            content.writeBytes(ChunkDecoder.decode(index.layer(), c, range));
          }
          assertThat(Digest.of(content.toByteArray()))
              .as(rel)
              .isEqualTo(Digest.of(Files.readAllBytes(p)));
          files++;
        } else if (Files.isDirectory(p, NOFOLLOW_LINKS)) {
          assertThat(f.isDirectory()).isTrue();
          try (Stream<Path> kids = Files.list(p)) {
            List<String> names = kids.map(k -> k.getFileName().toString()).sorted().toList();
            List<String> listed = new ArrayList<>(index.children(rel));
            listed.removeIf(Estargz::isLandmark);
            assertThat(listed).as(rel).isEqualTo(names);
          }
        }
      }
    }
    assertThat(files).isGreaterThan(10);
    assertThat(index.lookup("data/size-" + (CHUNK * 7 / 2)).orElseThrow().chunks()).hasSize(4);
  }

  @Test
  void compressedInputsGiveTheSameBlobAndPrioritizedFilesComeFirst() throws Exception {
    Path layer = gnuTar();
    run(tmp, "gzip", "-k", layer.toString());
    run(tmp, "zstd", "-q", layer.toString());
    Path gz = Path.of(layer + ".gz");
    Path zst = Path.of(layer + ".zst");
    EstargzWriter w =
        EstargzWriter.builder().prioritizedFiles(List.of("etc/hosts.hard", "/data/size-1")).build();
    Path fromTar = tmp.resolve("a.estargz");
    Path fromGz = tmp.resolve("b.estargz");
    Path fromZst = tmp.resolve("c.estargz");
    EstargzResult r = w.convert(layer, fromTar);
    assertThat(w.convert(gz, fromGz).blobDigest()).isEqualTo(r.blobDigest());
    try (InputStream in = Files.newInputStream(zst)) {
      assertThat(w.convert(in, fromZst).blobDigest()).isEqualTo(r.blobDigest());
    }
    List<String> listing = run(tmp, "tar", "-tzf", fromTar.toString()).lines().toList();
    assertThat(listing.subList(0, 7))
        .containsExactly(
            "./",
            "./etc/",
            "./etc/hosts",
            "./etc/hosts.hard",
            "./data/",
            "./data/size-1",
            Estargz.PREFETCH_LANDMARK);
    assertThat(r.missedPrioritizedFiles()).isEmpty();
  }

  @Test
  void gnuFormatLayersWithLongNamesConvertToo() throws Exception {
    Path blob = tmp.resolve("gnu.estargz");
    EstargzWriter.defaults().convert(gnuTar("gnu"), blob);
    Path out = Files.createDirectories(tmp.resolve("out-gnu"));
    run(tmp, "tar", "--numeric-owner", "-xpzf", blob.toString(), "-C", out.toString());
    Files.delete(out.resolve(Estargz.TOC_TAR_NAME));
    Files.delete(out.resolve(Estargz.NO_PREFETCH_LANDMARK));
    Map<String, String> expected = describeTree(src, false);
    assertThat(describeTree(out, false)).isEqualTo(expected);
    assertThat(expected.keySet()).anyMatch(k -> k.length() > 255);
  }

  static Map<String, String> describeTree(Path root) throws IOException {
    return describeTree(root, true);
  }

  /** Everything that must survive a round trip, per relative path (root excluded). */
  static Map<String, String> describeTree(Path root, boolean xattrs) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.toList()) {
        if (p.equals(root)) {
          continue;
        }
        Map<String, Object> a =
            Files.readAttributes(p, "unix:mode,uid,gid,rdev,size,lastModifiedTime", NOFOLLOW_LINKS);
        StringBuilder d = new StringBuilder();
        d.append("mode=").append(Integer.toOctalString((int) a.get("mode")));
        d.append(" uid=").append(a.get("uid")).append(" gid=").append(a.get("gid"));
        if (Files.isSymbolicLink(p)) {
          d.append(" -> ").append(Files.readSymbolicLink(p));
        }
        d.append(" mtime=").append(((FileTime) a.get("lastModifiedTime")).toInstant());
        if (Files.isRegularFile(p, NOFOLLOW_LINKS)) {
          d.append(" size=").append(a.get("size"));
          d.append(" sha=").append(Digest.of(Files.readAllBytes(p)));
          UserDefinedFileAttributeView v =
              Files.getFileAttributeView(p, UserDefinedFileAttributeView.class);
          for (String name : xattrs ? new java.util.TreeSet<>(v.list()) : List.<String>of()) {
            ByteBuffer buf = ByteBuffer.allocate(v.size(name));
            v.read(name, buf);
            d.append(" user.")
                .append(name)
                .append('=')
                .append(
                    java.util.Base64.getEncoder()
                        .encodeToString(Arrays.copyOf(buf.array(), buf.position())));
          }
        }
        if (!Files.isRegularFile(p, NOFOLLOW_LINKS)
            && !Files.isDirectory(p, NOFOLLOW_LINKS)
            && !Files.isSymbolicLink(p)) {
          d.append(" rdev=").append(a.get("rdev"));
        }
        out.put(root.relativize(p).toString(), d.toString());
      }
    }
    return out;
  }

  record Result(int exitCode, String output) {}

  static Result exec(Path dir, String... command) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    byte[] output = p.getInputStream().readAllBytes();
    return new Result(p.waitFor(), new String(output, StandardCharsets.ISO_8859_1));
  }

  /** Runs a command, fails the test on a non-zero exit; output decoded as ISO-8859-1 bytes. */
  static String run(Path dir, String... command) throws IOException, InterruptedException {
    Result r = exec(dir, command);
    assertThat(r.exitCode()).as(String.join(" ", command) + ": " + r.output()).isZero();
    return command[0].equals("tar") && Arrays.asList(command).contains("-tzf")
        ? new String(r.output().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8)
        : r.output();
  }
}
