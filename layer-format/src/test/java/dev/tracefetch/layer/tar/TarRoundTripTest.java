package dev.tracefetch.layer.tar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;

class TarRoundTripTest {

  private static final byte[] CAPABILITY = {
    0x01, 0x00, 0x00, 0x02, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, '\n', 0x00, (byte) 0xff
  };

  record Item(TarHeader header, byte[] payload) {}

  static List<Item> sampleEntries() {
    List<Item> items = new ArrayList<>();
    Instant t = Instant.parse("2021-03-04T05:06:07Z");
    items.add(item(TarHeader.builder("./", TarEntryType.DIRECTORY).mode(0755).modTime(t), null));
    items.add(
        item(
            TarHeader.builder("etc/", TarEntryType.DIRECTORY)
                .mode(040755)
                .uid(0)
                .userName("root")
                .groupName("root")
                .modTime(t),
            null));
    items.add(item(TarHeader.builder("etc/empty", TarEntryType.REGULAR).mode(0600), new byte[0]));
    items.add(
        item(
            TarHeader.builder("etc/hosts", TarEntryType.REGULAR).mode(0644).uid(1000).gid(100),
            "127.0.0.1 localhost\n".getBytes(StandardCharsets.US_ASCII)));
    items.add(big("etc/block-sized", 512));
    items.add(big("etc/odd-sized", 1025));
    items.add(
        item(
            TarHeader.builder("etc/link", TarEntryType.SYMLINK).linkName("hosts").mode(0777),
            null));
    items.add(
        item(TarHeader.builder("etc/hard", TarEntryType.HARDLINK).linkName("etc/hosts"), null));
    items.add(item(TarHeader.builder("dev/fifo", TarEntryType.FIFO).mode(0600), null));
    items.add(
        item(
            TarHeader.builder("dev/null", TarEntryType.CHAR_DEVICE)
                .mode(0666)
                .devMajor(1)
                .devMinor(3),
            null));
    items.add(
        item(
            TarHeader.builder("dev/sda", TarEntryType.BLOCK_DEVICE)
                .mode(0660)
                .devMajor(8)
                .devMinor(0),
            null));
    String prefixable = "p/" + "a".repeat(120) + "/" + "b".repeat(90);
    items.add(item(TarHeader.builder(prefixable, TarEntryType.REGULAR), bytes(3)));
    String veryLong = ("deep/" + "x".repeat(60) + "/").repeat(6) + "file.txt";
    items.add(item(TarHeader.builder(veryLong, TarEntryType.REGULAR), bytes(700)));
    items.add(
        item(
            TarHeader.builder("long-link", TarEntryType.SYMLINK).linkName("/" + "t".repeat(200)),
            null));
    items.add(
        item(
            TarHeader.builder("ünïcödé/日本語.txt", TarEntryType.REGULAR)
                .userName("jürgen")
                .groupName("grüppe"),
            "grüße".getBytes(StandardCharsets.UTF_8)));
    items.add(
        item(
            TarHeader.builder("bin/ping", TarEntryType.REGULAR)
                .mode(04755)
                .xattrs(
                    Xattrs.of(
                        Map.of(
                            "security.capability",
                            CAPABILITY,
                            "user.empty",
                            new byte[0],
                            "user.text",
                            "v=1".getBytes(StandardCharsets.UTF_8)))),
            bytes(10)));
    items.add(
        item(
            TarHeader.builder("big-ids", TarEntryType.REGULAR)
                .uid(3_000_000_000L)
                .gid(4_000_000_000L)
                .userName("u".repeat(40)),
            bytes(1)));
    items.add(
        item(
            TarHeader.builder("old", TarEntryType.REGULAR)
                .modTime(Instant.ofEpochSecond(-86_400L * 365)),
            bytes(2)));
    items.add(
        item(
            TarHeader.builder("precise", TarEntryType.REGULAR)
                .modTime(Instant.ofEpochSecond(1_600_000_000L, 123_456_789))
                .paxRecords(
                    PaxRecords.of(
                        Map.of("atime", "1600000000.5".getBytes(StandardCharsets.US_ASCII)))),
            bytes(4)));
    items.add(item(TarHeader.builder(".wh..wh..opq", TarEntryType.REGULAR), new byte[0]));
    items.add(item(TarHeader.builder("etc/.wh.removed", TarEntryType.REGULAR), new byte[0]));
    return items;
  }

  private static Item big(String name, int size) {
    return new Item(TarHeader.builder(name, TarEntryType.REGULAR).size(size).build(), bytes(size));
  }

  private static Item item(TarHeader.Builder b, byte[] payload) {
    byte[] p = payload == null ? new byte[0] : payload;
    return new Item(b.size(p.length).build(), p);
  }

  static byte[] bytes(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 31 + 7);
    }
    return b;
  }

  static byte[] write(List<Item> items) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TarWriter w = new TarWriter(out);
    for (Item it : items) {
      w.writeHeader(it.header());
      w.write(it.payload(), 0, it.payload().length);
      w.closeEntry();
    }
    w.finish();
    assertThat(w.bytesWritten()).isEqualTo(out.size());
    return out.toByteArray();
  }

  @Test
  void writtenEntriesReadBackIdentically() throws IOException {
    List<Item> items = sampleEntries();
    byte[] tar = write(items);
    assertThat(tar.length % 512).isZero();

    try (TarReader r = new TarReader(new ByteArrayInputStream(tar))) {
      for (Item expected : items) {
        TarHeader h = r.next();
        assertThat(h).as(expected.header().name()).isEqualTo(expected.header());
        assertThat(r.payload().readAllBytes()).isEqualTo(expected.payload());
      }
      assertThat(r.next()).isNull();
      assertThat(r.next()).isNull();
      assertThat(r.position()).isEqualTo(tar.length);
    }
  }

  @Test
  void plainUstarUsedWhenFieldsFitAndPaxOtherwise() throws IOException {
    byte[] simple =
        TarWriter.encodeHeader(
            TarHeader.builder("etc/hosts", TarEntryType.REGULAR).mode(0644).size(5).build());
    assertThat(simple).hasSize(512);
    assertThat(new String(simple, 257, 8, StandardCharsets.ISO_8859_1)).isEqualTo("ustar\u000000");
    assertThat(new String(simple, 100, 8, StandardCharsets.US_ASCII)).isEqualTo("0000644\0");
    assertThat(new String(simple, 124, 12, StandardCharsets.US_ASCII)).isEqualTo("00000000005\0");

    byte[] withPax =
        TarWriter.encodeHeader(
            TarHeader.builder("dir/ü", TarEntryType.REGULAR)
                .xattrs(Xattrs.of("user.a", new byte[] {1}))
                .build());
    assertThat(withPax.length).isEqualTo(3 * 512);
    assertThat(withPax[156]).isEqualTo((byte) 'x');
    String records = new String(withPax, 512, 512, StandardCharsets.UTF_8);
    assertThat(records).startsWith("25 SCHILY.xattr.user.a=\u0001\n15 path=dir/ü\n");
  }

  @Test
  void commonsCompressReadsWhatWeWrite() throws IOException {
    List<Item> items = sampleEntries();
    byte[] tar = write(items);
    try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
      for (Item expected : items) {
        TarArchiveEntry e = in.getNextEntry();
        assertThat(e.getName()).isEqualTo(expected.header().name());
        assertThat(e.getSize()).isEqualTo(expected.header().size());
        assertThat(in.readAllBytes()).isEqualTo(expected.payload());
        if (expected.header().type().isLink()) {
          assertThat(e.getLinkName()).isEqualTo(expected.header().linkName());
        }
        assertThat(e.getLongUserId()).isEqualTo(expected.header().uid());
      }
    }
  }

  @Test
  void readsGnuLongNamesAndBase256Numbers() throws IOException {
    String longName = "gnu/" + "n".repeat(300);
    String longLink = "target/" + "l".repeat(200);
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (TarArchiveOutputStream out = new TarArchiveOutputStream(buf)) {
      out.setLongFileMode(TarArchiveOutputStream.LONGFILE_GNU);
      out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_STAR);
      TarArchiveEntry e = new TarArchiveEntry(longName);
      e.setSize(3);
      e.setUserId(3_000_000_000L);
      e.setModTime(1_000_000_000_000L);
      out.putArchiveEntry(e);
      out.write(new byte[] {1, 2, 3});
      out.closeArchiveEntry();
      TarArchiveEntry l = new TarArchiveEntry("sym", TarArchiveEntry.LF_SYMLINK);
      l.setLinkName(longLink);
      out.putArchiveEntry(l);
      out.closeArchiveEntry();
    }
    try (TarReader r = new TarReader(new ByteArrayInputStream(buf.toByteArray()))) {
      TarHeader h = r.next();
      assertThat(h.name()).isEqualTo(longName);
      assertThat(h.uid()).isEqualTo(3_000_000_000L);
      assertThat(h.modTime()).isEqualTo(Instant.ofEpochSecond(1_000_000_000L));
      assertThat(r.payload().readAllBytes()).containsExactly(1, 2, 3);
      TarHeader s = r.next();
      assertThat(s.type()).isEqualTo(TarEntryType.SYMLINK);
      assertThat(s.linkName()).isEqualTo(longLink);
      assertThat(r.next()).isNull();
    }
  }

  @Test
  void payloadOffsetsPointAtTheData() throws IOException {
    List<Item> items = sampleEntries();
    byte[] tar = write(items);
    try (TarReader r = new TarReader(new ByteArrayInputStream(tar))) {
      TarHeader h;
      while ((h = r.next()) != null) {
        if (h.size() > 0) {
          byte[] atOffset =
              Arrays.copyOfRange(
                  tar, (int) r.payloadOffset(), (int) (r.payloadOffset() + h.size()));
          assertThat(atOffset).as(h.name()).isEqualTo(r.payload().readAllBytes());
        }
        assertThat(r.headerOffset() % 512).isZero();
      }
    }
  }

  @Test
  void globalPaxHeaderAppliesToFollowingEntries() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] records =
        TarWriter.encodePax(
            new java.util.TreeMap<>(Map.of("uname", "global".getBytes(StandardCharsets.UTF_8))));
    out.writeBytes(rawHeader("pax_global_header", 'g', records.length));
    out.writeBytes(Arrays.copyOf(records, 512));
    out.writeBytes(rawHeader("a", '0', 0));
    out.writeBytes(rawHeader("b", '0', 0));
    out.writeBytes(new byte[1024]);
    try (TarReader r = new TarReader(new ByteArrayInputStream(out.toByteArray()))) {
      assertThat(r.next().userName()).isEqualTo("global");
      assertThat(r.next().userName()).isEqualTo("global");
      assertThat(r.next()).isNull();
    }
  }

  @Test
  void oldStyleTypeflagWithSlashIsDirectoryAndHeaderOnlyTypesCarryNoData() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(rawHeader("olddir/", '\0', 0));
    out.writeBytes(rawHeader("dir-with-size/", '5', 4096)); // GNU tar never does this; some do
    out.writeBytes(rawHeader("after", '0', 0));
    out.writeBytes(new byte[1024]);
    try (TarReader r = new TarReader(new ByteArrayInputStream(out.toByteArray()))) {
      assertThat(r.next().type()).isEqualTo(TarEntryType.DIRECTORY);
      TarHeader d = r.next();
      assertThat(d.type()).isEqualTo(TarEntryType.DIRECTORY);
      assertThat(d.size()).isZero();
      assertThat(r.next().name()).isEqualTo("after");
    }
  }

  @Test
  void stopsAtEndOfArchiveAndLeavesTrailingBytes() throws IOException {
    byte[] tar = write(List.of(item(TarHeader.builder("f", TarEntryType.REGULAR), bytes(3))));
    byte[] withTrailer = Arrays.copyOf(tar, tar.length + 100);
    Arrays.fill(withTrailer, tar.length, withTrailer.length, (byte) 'G');
    try (TarReader r = new TarReader(new ByteArrayInputStream(withTrailer))) {
      assertThat(r.next().name()).isEqualTo("f");
      assertThat(r.next()).isNull();
      assertThat(r.position()).isEqualTo(tar.length);
    }
    // An archive cut right after its last entry (no end-of-archive blocks) also ends cleanly.
    byte[] noEnd = Arrays.copyOf(tar, 1024);
    try (TarReader r = new TarReader(new ByteArrayInputStream(noEnd))) {
      assertThat(r.next().name()).isEqualTo("f");
      assertThat(r.next()).isNull();
    }
  }

  @Test
  void corruptChecksumIsRejectedWithOffset() throws IOException {
    byte[] tar = write(sampleEntries());
    tar[512 + 3] ^= 0x20; // inside the second header's name
    try (TarReader r = new TarReader(new ByteArrayInputStream(tar))) {
      r.next();
      assertThatThrownBy(r::next)
          .isInstanceOf(TarFormatException.class)
          .hasMessageContaining("checksum mismatch at offset 512");
    }
  }

  @Test
  void sparseAndOtherNonFileTypesAreRejected() {
    byte[] tar = concat(rawHeader("sparse", 'S', 0), new byte[1024]);
    assertThatThrownBy(() -> new TarReader(new ByteArrayInputStream(tar)).next())
        .isInstanceOf(TarFormatException.class)
        .hasMessageContaining("unsupported tar entry type 'S' (GNU sparse file) for 'sparse'");
  }

  @Test
  void truncatedPayloadIsAnError() throws IOException {
    byte[] tar = write(List.of(item(TarHeader.builder("f", TarEntryType.REGULAR), bytes(2000))));
    byte[] cut = Arrays.copyOf(tar, 512 + 1000);
    try (TarReader r = new TarReader(new ByteArrayInputStream(cut))) {
      r.next();
      assertThatThrownBy(() -> r.payload().readAllBytes())
          .isInstanceOf(TarFormatException.class)
          .hasMessageContaining("payload of 'f' misses 1000 bytes");
    }
    try (TarReader r = new TarReader(new ByteArrayInputStream(cut))) {
      r.next();
      assertThatThrownBy(r::next)
          .isInstanceOf(TarFormatException.class)
          .hasMessageContaining("truncated");
    }
  }

  @Test
  void oversizedExtensionHeadersAreRejected() {
    byte[] tar = concat(rawHeader("PaxHeaders/x", 'x', 10_000), new byte[10_240]);
    assertThatThrownBy(() -> new TarReader(new ByteArrayInputStream(tar), 4096, 4096).next())
        .isInstanceOf(TarFormatException.class)
        .hasMessageContaining("PAX extended header at offset 0 is 10000 bytes, over the limit");
  }

  @Test
  void malformedPaxRecordsAreRejected() {
    byte[] data = "99 path=x\n".getBytes(StandardCharsets.US_ASCII);
    byte[] tar =
        concat(
            rawHeader("PaxHeaders/x", 'x', data.length),
            Arrays.copyOf(data, 512),
            rawHeader("x", '0', 0),
            new byte[1024]);
    assertThatThrownBy(() -> new TarReader(new ByteArrayInputStream(tar)).next())
        .isInstanceOf(TarFormatException.class)
        .hasMessageContaining("overruns extended header");
  }

  @Test
  void nonUtf8NamesAreRejected() {
    byte[] header = rawHeader("caf\u00e9", '0', 0); // ISO-8859-1 é, invalid as UTF-8
    byte[] tar = concat(header, new byte[1024]);
    assertThatThrownBy(() -> new TarReader(new ByteArrayInputStream(tar)).next())
        .isInstanceOf(TarFormatException.class)
        .hasMessageContaining("entry name is not valid UTF-8 (caf\\xe9)");
  }

  @Test
  void headerValidationNamesTheEntry() {
    assertThatThrownBy(() -> TarHeader.builder("d", TarEntryType.DIRECTORY).size(3).build())
        .hasMessageContaining("'d'");
    assertThatThrownBy(() -> TarHeader.builder("l", TarEntryType.SYMLINK).build())
        .hasMessageContaining("has no link target");
  }

  /** A ustar header block built by hand (ISO-8859-1 name bytes), with a valid checksum. */
  static byte[] rawHeader(String name, char type, long size) {
    byte[] b = new byte[512];
    byte[] n = name.getBytes(StandardCharsets.ISO_8859_1);
    System.arraycopy(n, 0, b, 0, n.length);
    TarFields.putOctal(b, 100, 8, 0644);
    TarFields.putOctal(b, 108, 8, 0);
    TarFields.putOctal(b, 116, 8, 0);
    TarFields.putOctal(b, 124, 12, size);
    TarFields.putOctal(b, 136, 12, 0);
    b[156] = (byte) type;
    System.arraycopy("ustar\00000".getBytes(StandardCharsets.ISO_8859_1), 0, b, 257, 8);
    String sum = String.format("%06o", TarFields.unsignedChecksum(b));
    System.arraycopy(sum.getBytes(StandardCharsets.US_ASCII), 0, b, 148, 6);
    b[154] = 0;
    b[155] = ' ';
    return b;
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
