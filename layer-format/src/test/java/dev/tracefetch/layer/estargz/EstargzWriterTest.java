package dev.tracefetch.layer.estargz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.ZstdOutputStream;
import dev.tracefetch.layer.estargz.TestLayer.Item;
import dev.tracefetch.layer.tar.TarEntryType;
import dev.tracefetch.layer.tar.TarFormatException;
import dev.tracefetch.layer.tar.TarHeader;
import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.image.MediaTypes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EstargzWriterTest {
  static final int CHUNK = 16 << 10;

  /** sha256 of the single byte 0x0f, as listed for landmarks in upstream docs/estargz.md. */
  static final String LANDMARK_DIGEST =
      "sha256:dc0e9c3658a1a3ed1ec94274d8b19925c93e1abb7ddba294923ad9bde30f8cb8";

  record Converted(byte[] blob, EstargzResult result) {}

  static Converted convert(EstargzWriter writer, byte[] layer) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    EstargzResult r = writer.convert(new ByteArrayInputStream(layer), out);
    return new Converted(out.toByteArray(), r);
  }

  static EstargzWriter writer() {
    return EstargzWriter.builder().chunkSize(CHUNK).build();
  }

  @Test
  void blobIsOneGzipStreamHoldingInputEntriesThenTocAsLastEntry() throws IOException {
    TestLayer layer = TestLayer.everything(CHUNK);
    Converted c = convert(writer(), layer.tar());

    List<Item> out = TestLayer.read(c.blob());
    assertThat(out.get(0).header().name()).isEqualTo(Estargz.NO_PREFETCH_LANDMARK);
    assertThat(out.get(0).payload()).containsExactly(0x0f);
    Item toc = out.get(out.size() - 1);
    assertThat(toc.header().name()).isEqualTo(Estargz.TOC_TAR_NAME);
    List<Item> middle = out.subList(1, out.size() - 1);
    assertThat(middle).hasSameSizeAs(layer.items());
    for (int i = 0; i < middle.size(); i++) {
      Item expected = layer.items().get(i);
      assertThat(middle.get(i).header()).isEqualTo(expected.header());
      assertThat(middle.get(i).payload())
          .as(expected.header().name())
          .isEqualTo(expected.payload());
    }
  }

  @Test
  void resultDescribesTheBlob() throws IOException {
    Converted c = convert(writer(), TestLayer.everything(CHUNK).tar());
    EstargzResult r = c.result();
    byte[] uncompressed = TestLayer.decompress(c.blob());
    assertThat(r.blobSize()).isEqualTo(c.blob().length);
    assertThat(r.blobDigest()).isEqualTo(Digest.of(c.blob()));
    assertThat(r.uncompressedSize()).isEqualTo(uncompressed.length);
    assertThat(r.diffId()).isEqualTo(Digest.of(uncompressed));
    List<Item> items = TestLayer.read(c.blob());
    byte[] tocJson = items.get(items.size() - 1).payload();
    assertThat(r.tocDigest()).isEqualTo(Digest.of(tocJson));
    assertThat(TocJson.parse(tocJson)).isEqualTo(r.toc());
    assertThat(r.annotations())
        .containsExactly(
            java.util.Map.entry(
                "containerd.io/snapshot/stargz/toc.digest", Digest.of(tocJson).toString()),
            java.util.Map.entry(
                "io.containers.estargz.uncompressed-size", Long.toString(uncompressed.length)));
    assertThat(r.descriptor().mediaType()).isEqualTo(MediaTypes.OCI_LAYER_GZIP);
    assertThat(r.descriptor().digest()).isEqualTo(r.blobDigest());
    assertThat(r.descriptor().size()).isEqualTo(r.blobSize());
    assertThat(Estargz.isEstargz(r.descriptor())).isTrue();
    // Uncompressed stream ends with the TOC entry and exactly two zero blocks.
    assertThat(Arrays.copyOfRange(uncompressed, uncompressed.length - 1024, uncompressed.length))
        .isEqualTo(new byte[1024]);
  }

  @Test
  void footerIsTheSpecFooterPointingAtTheTocMember() throws IOException, Exception {
    Converted c = convert(writer(), TestLayer.everything(CHUNK).tar());
    byte[] blob = c.blob();
    byte[] footer = Arrays.copyOfRange(blob, blob.length - 51, blob.length);
    assertThat(footer).isEqualTo(EstargzFooterTest.specFooter(c.result().tocOffset()));
    List<GzipMembers.Member> members = GzipMembers.walk(blob);
    GzipMembers.Member tocMember = members.get(members.size() - 2);
    assertThat(tocMember.start()).isEqualTo(c.result().tocOffset());
    assertThat(tocMember.end()).isEqualTo(blob.length - 51);
    // The TOC member is the TOC tar entry plus end-of-archive blocks, nothing else.
    List<Item> inToc =
        TestLayer.read(Arrays.copyOfRange(blob, (int) tocMember.start(), blob.length));
    assertThat(inToc).extracting(i -> i.header().name()).containsExactly(Estargz.TOC_TAR_NAME);
  }

  @Test
  void gzipMembersStartExactlyAtTopPayloadsTocAndFooter() throws Exception {
    Converted c = convert(writer(), TestLayer.everything(CHUNK).tar());
    byte[] blob = c.blob();
    Set<Long> expected = new TreeSet<>();
    expected.add(0L);
    for (TocEntry e : c.result().toc().entries()) {
      if (e.type().isData() && (e.size() > 0 || e.type() == TocEntryType.CHUNK)) {
        expected.add(e.offset());
      }
    }
    expected.add(c.result().tocOffset());
    expected.add((long) blob.length - 51);
    Set<Long> actual =
        GzipMembers.walk(blob).stream()
            .map(GzipMembers.Member::start)
            .collect(Collectors.toCollection(TreeSet::new));
    assertThat(actual).isEqualTo(expected);
  }

  @Test
  void eachPayloadDecompressesFromItsOffsetAlone() throws Exception {
    TestLayer layer = TestLayer.everything(CHUNK);
    Converted c = convert(writer(), layer.tar());
    byte[] blob = c.blob();
    List<TocEntry> entries = c.result().toc().entries();
    TocEntry reg = null;
    for (TocEntry e : entries) {
      if (e.type() == TocEntryType.REG) {
        reg = e;
      }
      if (!e.type().isData() || (e.type() == TocEntryType.REG && e.size() == 0)) {
        continue;
      }
      byte[] content = payloadOf(layer, reg.name());
      long size = e.chunkSize() != 0 ? e.chunkSize() : reg.size() - e.chunkOffset();
      // A plain gzip reader started at the offset, reading one member only.
      byte[] member =
          GzipMembers.walk(Arrays.copyOfRange(blob, (int) e.offset(), blob.length))
              .get(0)
              .content();
      byte[] expected =
          Arrays.copyOfRange(content, (int) e.chunkOffset(), (int) (e.chunkOffset() + size));
      assertThat(Arrays.copyOf(member, (int) size)).as(reg.name()).isEqualTo(expected);
      assertThat(e.innerOffset()).isZero();
      assertThat(e.chunkDigest()).isEqualTo(Digest.of(expected));
    }
  }

  @Test
  void largeFilesAreSplitIntoChunksWithSpecChunkSizes() throws IOException {
    TestLayer layer = TestLayer.everything(CHUNK);
    Converted c = convert(writer(), layer.tar());
    List<TocEntry> entries = c.result().toc().entries();
    assertThat(chunksOf(entries, "data/size-0")).isEmpty();
    assertThat(chunksOf(entries, "data/size-1")).containsExactly(List.of(0L, 0L));
    assertThat(chunksOf(entries, "data/size-" + (CHUNK - 1))).containsExactly(List.of(0L, 0L));
    assertThat(chunksOf(entries, "data/size-" + CHUNK)).containsExactly(List.of(0L, 0L));
    assertThat(chunksOf(entries, "data/size-" + (CHUNK + 1)))
        .containsExactly(List.of(0L, (long) CHUNK), List.of((long) CHUNK, 0L));
    assertThat(chunksOf(entries, "data/size-" + (CHUNK * 7 / 2)))
        .containsExactly(
            List.of(0L, (long) CHUNK),
            List.of((long) CHUNK, (long) CHUNK),
            List.of(2L * CHUNK, (long) CHUNK),
            List.of(3L * CHUNK, 0L));
    for (TocEntry e : entries) {
      if (e.type() == TocEntryType.REG) {
        assertThat(e.digest())
            .as(e.name())
            .isEqualTo(Digest.of(payloadOf(layer, e.name(), Estargz.isLandmark(e.name()))));
        if (e.size() > 0) {
          assertThat(e.chunkDigest()).isNotNull();
          assertThat(e.offset()).isPositive();
        } else {
          assertThat(e.chunkDigest()).isNull();
          assertThat(e.offset()).isZero();
        }
      }
      if (e.type() == TocEntryType.CHUNK) {
        assertThat(e.chunkDigest()).isNotNull();
        assertThat(e.digest()).isNull();
      }
    }
  }

  @Test
  void tocEntriesCarryTheTarMetadataLikeUpstream() throws IOException {
    Converted c = convert(writer(), TestLayer.everything(CHUNK).tar());
    List<TocEntry> entries = c.result().toc().entries();
    TocEntry landmark = entries.get(0);
    assertThat(landmark.name()).isEqualTo(Estargz.NO_PREFETCH_LANDMARK);
    assertThat(landmark.chunkDigest().toString()).isEqualTo(LANDMARK_DIGEST);
    assertThat(landmark.digest().toString()).isEqualTo(LANDMARK_DIGEST);
    assertThat(landmark.size()).isEqualTo(1);

    TocEntry dir = find(entries, "bin/");
    assertThat(dir.type()).isEqualTo(TocEntryType.DIR);
    assertThat(dir.mode()).isEqualTo(040755);
    assertThat(dir.modTime()).isEqualTo(TestLayer.T);
    TocEntry link = find(entries, "etc/localhost");
    assertThat(link.type()).isEqualTo(TocEntryType.SYMLINK);
    assertThat(link.linkName()).isEqualTo("hosts");
    TocEntry hard = find(entries, "etc/hosts.hard");
    assertThat(hard.type()).isEqualTo(TocEntryType.HARDLINK);
    assertThat(hard.linkName()).isEqualTo("etc/hosts");
    assertThat(hard.size()).isZero();
    TocEntry dev = find(entries, "dev/null");
    assertThat(dev.type()).isEqualTo(TocEntryType.CHAR);
    assertThat(List.of(dev.devMajor(), dev.devMinor())).containsExactly(1L, 3L);
    assertThat(find(entries, "dev/sda").type()).isEqualTo(TocEntryType.BLOCK);
    assertThat(find(entries, "dev/fifo").type()).isEqualTo(TocEntryType.FIFO);
    TocEntry ping = find(entries, "bin/ping");
    assertThat(ping.mode()).isEqualTo(0104755);
    assertThat(ping.xattrs().names()).containsExactly("security.capability", "user.note");
    assertThat(ping.xattrs().value("security.capability"))
        .containsExactly(1, 0, 0, 2, 0, 0x20, 0, 0, 0, 0, 0, 0, '\n', 0, 0xff);
    assertThat(find(entries, "opaque/.wh..wh..opq").type()).isEqualTo(TocEntryType.REG);
    assertThat(find(entries, "etc/.wh.removed").type()).isEqualTo(TocEntryType.REG);
    assertThat(find(entries, "data/ünïcödé/日本語ファイル.txt").size()).isEqualTo(15);
    // Owner names only the first time a uid/gid appears (upstream nameIfChanged).
    List<TocEntry> owned =
        entries.stream().filter(e -> e.uid() == 1000 && e.type() == TocEntryType.REG).toList();
    assertThat(owned.get(0).userName()).isEqualTo("user");
    assertThat(owned.get(0).groupName()).isEqualTo("group");
    assertThat(owned.subList(1, owned.size())).allSatisfy(e -> assertThat(e.userName()).isEmpty());
    assertThat(find(entries, "data/other-owner").userName()).isEqualTo("root");
  }

  @Test
  void prioritizedFilesComeFirstWithParentsAndLinkTargetsThenTheLandmark() throws IOException {
    TestLayer layer =
        TestLayer.layer()
            .dir("usr/")
            .dir("usr/bin/")
            .file("usr/bin/other", 100)
            .file("usr/bin/app", 3 * CHUNK)
            .dir("etc/")
            .file("etc/conf", 10)
            .dir("lib/")
            .file("lib/target", 50)
            .hardlink("lib/hard", "lib/target")
            .file("rest", 5);
    EstargzWriter w =
        EstargzWriter.builder()
            .chunkSize(CHUNK)
            .prioritizedFiles(List.of("/etc/conf", "usr/bin/app", "missing/file", "./lib/hard"))
            .build();
    Converted c = convert(w, layer.tar());
    List<String> names = TestLayer.read(c.blob()).stream().map(i -> i.header().name()).toList();
    assertThat(names)
        .containsExactly(
            "etc/",
            "etc/conf",
            "usr/",
            "usr/bin/",
            "usr/bin/app",
            "lib/",
            "lib/target",
            "lib/hard",
            Estargz.PREFETCH_LANDMARK,
            "usr/bin/other",
            "rest",
            Estargz.TOC_TAR_NAME);
    assertThat(c.result().missedPrioritizedFiles()).containsExactly("missing/file");

    EstargzIndex index =
        EstargzReader.open("test", BlobRangeReader.ofBytes(c.blob()), c.result().tocDigest());
    long landmark = index.prefetchLandmarkOffset().orElseThrow();
    for (String p : List.of("etc/conf", "usr/bin/app", "lib/target")) {
      assertThat(index.lookup(p).orElseThrow().chunks())
          .allSatisfy(ch -> assertThat(ch.compressedEnd()).isLessThanOrEqualTo(landmark));
    }
    for (String p : List.of("usr/bin/other", "rest")) {
      assertThat(index.lookup(p).orElseThrow().chunks().get(0).compressedOffset())
          .isGreaterThan(landmark);
    }
    assertThat(index.hasNoPrefetchLandmark()).isFalse();

    EstargzWriter strict =
        EstargzWriter.builder()
            .prioritizedFiles(List.of("missing/file"))
            .failOnMissingPrioritizedFile(true)
            .build();
    assertThatThrownBy(() -> convert(strict, layer.tar()))
        .isInstanceOf(TarFormatException.class)
        .hasMessageContaining("prioritized files not found in the layer: missing/file");
  }

  @Test
  void noPrioritizedFileFoundMeansNoPrefetchLandmark() throws IOException {
    EstargzWriter w = EstargzWriter.builder().prioritizedFiles(List.of("nope")).build();
    Converted c = convert(w, TestLayer.layer().file("a", 3).tar());
    assertThat(TestLayer.read(c.blob()))
        .extracting(i -> i.header().name())
        .containsExactly(Estargz.NO_PREFETCH_LANDMARK, "a", Estargz.TOC_TAR_NAME);
    EstargzIndex index =
        EstargzReader.open("t", BlobRangeReader.ofBytes(c.blob()), c.result().tocDigest());
    assertThat(index.hasNoPrefetchLandmark()).isTrue();
    assertThat(index.prefetchLandmarkOffset()).isEmpty();
  }

  @Test
  void duplicatesKeepTheLastAndOldTocAndLandmarksAreDropped() throws IOException {
    TestLayer layer =
        TestLayer.layer()
            .file("a", "first".getBytes())
            .file("b", 3)
            .file("./a", "second".getBytes())
            .file(Estargz.PREFETCH_LANDMARK, new byte[] {0x0f})
            .file(Estargz.TOC_TAR_NAME, "{}".getBytes());
    Converted c = convert(writer(), layer.tar());
    List<Item> out = TestLayer.read(c.blob());
    assertThat(out)
        .extracting(i -> i.header().name())
        .containsExactly(Estargz.NO_PREFETCH_LANDMARK, "b", "./a", Estargz.TOC_TAR_NAME);
    assertThat(out.get(2).payload()).isEqualTo("second".getBytes());
  }

  @Test
  void convertingAnEstargzAgainGivesTheSameBlob() throws IOException {
    Converted once = convert(writer(), TestLayer.everything(CHUNK).tar());
    Converted twice = convert(writer(), once.blob());
    assertThat(twice.result().tocDigest()).isEqualTo(once.result().tocDigest());
    assertThat(twice.blob()).isEqualTo(once.blob());
  }

  @Test
  void gzipAndZstdInputsGiveTheSameBlobAsPlainTar() throws IOException {
    byte[] tar = TestLayer.everything(CHUNK).tar();
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream g = new GZIPOutputStream(gz)) {
      g.write(tar);
    }
    ByteArrayOutputStream zs = new ByteArrayOutputStream();
    try (ZstdOutputStream z = new ZstdOutputStream(zs)) {
      z.write(tar);
    }
    byte[] plain = convert(writer(), tar).blob();
    assertThat(convert(writer(), gz.toByteArray()).blob()).isEqualTo(plain);
    assertThat(convert(writer(), zs.toByteArray()).blob()).isEqualTo(plain);
  }

  @Test
  void compressionLevelIsConfigurableAndShowsInMemberHeaders() throws Exception {
    byte[] tar = TestLayer.everything(CHUNK).tar();
    byte[] best = convert(EstargzWriter.builder().compressionLevel(9).build(), tar).blob();
    byte[] stored = convert(EstargzWriter.builder().compressionLevel(0).build(), tar).blob();
    assertThat(best[8]).isEqualTo((byte) 2); // XFL: maximum compression
    assertThat(stored[8]).isZero();
    assertThat(stored.length).isGreaterThan(best.length);
    // Same entries (the TOCs differ only in offsets).
    List<Item> a = TestLayer.read(stored);
    List<Item> b = TestLayer.read(best);
    assertThat(a).hasSameSizeAs(b);
    for (int i = 0; i < a.size() - 1; i++) {
      assertThat(a.get(i).header()).isEqualTo(b.get(i).header());
      assertThat(Digest.of(a.get(i).payload())).isEqualTo(Digest.of(b.get(i).payload()));
    }
  }

  @Test
  void hostileOrBrokenInputsAreRefused() {
    byte[] escaping = TestLayer.layer().file("../etc/passwd", 3).tar();
    assertThatThrownBy(() -> convert(writer(), escaping))
        .isInstanceOf(TarFormatException.class)
        .hasMessageContaining("tar entry '../etc/passwd' at offset 0: name escapes the layer root");
    byte[] absolute = TestLayer.layer().file("/etc/passwd", 3).tar();
    assertThatThrownBy(() -> convert(writer(), absolute))
        .hasMessageContaining("tar entry '/etc/passwd' at offset 0: name is absolute");
    byte[] danglingLink = TestLayer.layer().hardlink("a", "b").file("b", 1).tar();
    assertThatThrownBy(() -> convert(writer(), danglingLink))
        .isInstanceOf(TarFormatException.class)
        .hasMessageContaining("hardlink 'a' points to 'b', which is not an earlier entry");
    byte[] dirLink = TestLayer.layer().dir("d/").hardlink("a", "d").tar();
    assertThatThrownBy(() -> convert(writer(), dirLink))
        .hasMessageContaining("hardlink 'a' points to directory 'd'");
    byte[] rootFile =
        TestLayer.layer().add(TarHeader.builder("./", TarEntryType.REGULAR), new byte[] {1}).tar();
    assertThatThrownBy(() -> convert(writer(), rootFile))
        .hasMessageContaining("names the layer root but is a REGULAR");
    byte[] garbage = "definitely not a layer".repeat(40).getBytes();
    assertThatThrownBy(() -> convert(writer(), garbage))
        .isInstanceOf(TarFormatException.class)
        .hasMessageContaining("neither gzip, zstd nor tar");
  }

  @Test
  void writesAtomicallyToAPath(@TempDir Path dir) throws IOException {
    Path dest = dir.resolve("layer.estargz");
    EstargzResult r =
        writer().convert(new ByteArrayInputStream(TestLayer.everything(CHUNK).tar()), dest);
    assertThat(Files.size(dest)).isEqualTo(r.blobSize());
    assertThat(Digest.of(Files.readAllBytes(dest))).isEqualTo(r.blobDigest());
    assertThat(Files.list(dir).toList()).containsExactly(dest);

    Path failed = dir.resolve("broken.estargz");
    byte[] bad = TestLayer.layer().file("../x", 1).tar();
    assertThatThrownBy(() -> writer().convert(new ByteArrayInputStream(bad), failed))
        .isInstanceOf(TarFormatException.class);
    assertThat(Files.list(dir).toList()).containsExactly(dest);

    Path fromFile = dir.resolve("from-file.estargz");
    Path tarFile = dir.resolve("in.tar");
    Files.write(tarFile, TestLayer.everything(CHUNK).tar());
    EstargzResult r2 = writer().convert(tarFile, fromFile);
    assertThat(r2.blobDigest()).isEqualTo(r.blobDigest());
  }

  @Test
  void emptyLayerStillGetsLandmarkTocAndFooter() throws IOException {
    Converted c = convert(writer(), new byte[1024]);
    assertThat(TestLayer.read(c.blob()))
        .extracting(i -> i.header().name())
        .containsExactly(Estargz.NO_PREFETCH_LANDMARK, Estargz.TOC_TAR_NAME);
    EstargzIndex index =
        EstargzReader.open("empty", BlobRangeReader.ofBytes(c.blob()), c.result().tocDigest());
    assertThat(index.children("")).containsExactly(Estargz.NO_PREFETCH_LANDMARK);
  }

  static List<List<Long>> chunksOf(List<TocEntry> entries, String name) {
    List<List<Long>> out = new ArrayList<>();
    boolean in = false;
    for (TocEntry e : entries) {
      if (e.type() == TocEntryType.REG) {
        in = e.name().equals(name);
        if (in && e.size() > 0) {
          out.add(List.of(e.chunkOffset(), e.chunkSize()));
        }
      } else if (e.type() == TocEntryType.CHUNK && in) {
        assertThat(e.name()).isEqualTo(name);
        out.add(List.of(e.chunkOffset(), e.chunkSize()));
      } else {
        in = false;
      }
    }
    return out;
  }

  static TocEntry find(List<TocEntry> entries, String name) {
    return entries.stream()
        .filter(e -> e.name().equals(name) && e.type() != TocEntryType.CHUNK)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no TOC entry " + name));
  }

  static byte[] payloadOf(TestLayer layer, String name) {
    return payloadOf(layer, name, false);
  }

  static byte[] payloadOf(TestLayer layer, String name, boolean landmark) {
    if (landmark) {
      return new byte[] {0x0f};
    }
    return layer.items().stream()
        .filter(i -> i.header().name().equals(name))
        .findFirst()
        .map(Item::payload)
        .orElseGet(() -> Estargz.isLandmark(name) ? new byte[] {0x0f} : null);
  }
}
