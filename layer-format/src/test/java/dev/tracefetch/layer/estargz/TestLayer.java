package dev.tracefetch.layer.estargz;

import dev.tracefetch.layer.tar.LayerCompression;
import dev.tracefetch.layer.tar.TarEntryType;
import dev.tracefetch.layer.tar.TarHeader;
import dev.tracefetch.layer.tar.TarReader;
import dev.tracefetch.layer.tar.TarWriter;
import dev.tracefetch.layer.tar.Xattrs;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Builds tar layers in memory for tests, and reads tar streams back into entries. */
final class TestLayer {
  static final Instant T = Instant.parse("2022-02-22T10:20:30Z");

  /** A tar entry with its payload. */
  record Item(TarHeader header, byte[] payload) {}

  private final List<Item> items = new ArrayList<>();

  static TestLayer layer() {
    return new TestLayer();
  }

  TestLayer dir(String name) {
    return add(TarHeader.builder(name, TarEntryType.DIRECTORY).mode(040755).modTime(T), null);
  }

  TestLayer file(String name, byte[] content) {
    return add(
        TarHeader.builder(name, TarEntryType.REGULAR)
            .mode(0100644)
            .uid(1000)
            .gid(1000)
            .userName("user")
            .groupName("group")
            .modTime(T),
        content);
  }

  TestLayer file(String name, int size) {
    return file(name, content(name, size));
  }

  TestLayer symlink(String name, String target) {
    return add(
        TarHeader.builder(name, TarEntryType.SYMLINK).mode(0120777).linkName(target).modTime(T),
        null);
  }

  TestLayer hardlink(String name, String target) {
    return add(
        TarHeader.builder(name, TarEntryType.HARDLINK).mode(0100644).linkName(target).modTime(T),
        null);
  }

  TestLayer add(TarHeader.Builder header, byte[] content) {
    byte[] c = content == null ? new byte[0] : content;
    items.add(new Item(header.size(c.length).build(), c));
    return this;
  }

  /** The standard mix: all entry kinds, chunk-boundary sizes, whiteouts, xattrs, odd names. */
  static TestLayer everything(int chunk) {
    TestLayer l = layer();
    l.add(TarHeader.builder("./", TarEntryType.DIRECTORY).mode(040755).modTime(T), null);
    l.dir("bin/").dir("etc/").dir("data/").dir("dev/").dir("opaque/");
    int[] sizes = {0, 1, chunk - 1, chunk, chunk + 1, chunk * 7 / 2};
    for (int s : sizes) {
      l.file("data/size-" + s, s);
    }
    l.file("etc/hosts", "127.0.0.1 localhost\n".getBytes(StandardCharsets.US_ASCII));
    l.symlink("etc/localhost", "hosts");
    l.symlink("bin/sh", "/bin/busybox");
    l.hardlink("etc/hosts.hard", "etc/hosts");
    l.add(TarHeader.builder("dev/fifo", TarEntryType.FIFO).mode(010600).modTime(T), null);
    l.add(
        TarHeader.builder("dev/null", TarEntryType.CHAR_DEVICE)
            .mode(020666)
            .devMajor(1)
            .devMinor(3)
            .modTime(T),
        null);
    l.add(
        TarHeader.builder("dev/sda", TarEntryType.BLOCK_DEVICE)
            .mode(060660)
            .devMajor(8)
            .devMinor(0)
            .modTime(T),
        null);
    l.file("etc/.wh.removed", new byte[0]);
    l.file("opaque/.wh..wh..opq", new byte[0]);
    l.add(
        TarHeader.builder("bin/ping", TarEntryType.REGULAR)
            .mode(0104755)
            .modTime(T)
            .xattrs(
                Xattrs.of(
                    Map.of(
                        "security.capability",
                        new byte[] {1, 0, 0, 2, 0, 0x20, 0, 0, 0, 0, 0, 0, '\n', 0, (byte) 0xff},
                        "user.note",
                        "hello".getBytes(StandardCharsets.UTF_8)))),
        content("ping", 3000));
    String longDir = "data/" + "long-directory-name-".repeat(8);
    l.dir(longDir + "/");
    l.file(longDir + "/" + "very-long-file-name-".repeat(6) + ".txt", 777);
    l.dir("data/ünïcödé/");
    l.file("data/ünïcödé/日本語ファイル.txt", "こんにちは".getBytes(StandardCharsets.UTF_8));
    l.add(
        TarHeader.builder("data/other-owner", TarEntryType.REGULAR)
            .mode(0600)
            .uid(0)
            .gid(0)
            .userName("root")
            .groupName("root")
            .modTime(T),
        content("root", 10));
    l.file("data/same-owner-again", 5);
    return l;
  }

  List<Item> items() {
    return List.copyOf(items);
  }

  byte[] tar() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TarWriter w = new TarWriter(out);
    try {
      for (Item it : items) {
        w.writeHeader(it.header());
        w.write(it.payload(), 0, it.payload().length);
        w.closeEntry();
      }
      w.finish();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Deterministic pseudo-random content that differs per name (so chunks are distinct). */
  static byte[] content(String seed, int size) {
    byte[] b = new byte[size];
    Random r = new Random(seed.hashCode());
    // Half random, half repetitive: compressible but not trivially.
    for (int i = 0; i < size; i++) {
      b[i] = (i / 1024) % 2 == 0 ? (byte) r.nextInt() : (byte) ('a' + i % 26);
    }
    return b;
  }

  /** The entries of a (possibly compressed) tar stream. */
  static List<Item> read(byte[] blob) throws IOException {
    List<Item> out = new ArrayList<>();
    try (InputStream in = LayerCompression.decompressed(new ByteArrayInputStream(blob));
        TarReader r = new TarReader(in)) {
      TarHeader h;
      while ((h = r.next()) != null) {
        out.add(new Item(h, r.payload().readAllBytes()));
      }
    }
    return out;
  }

  /** The whole decompressed stream. */
  static byte[] decompress(byte[] blob) throws IOException {
    try (InputStream in = LayerCompression.decompressed(new ByteArrayInputStream(blob))) {
      return in.readAllBytes();
    }
  }
}
