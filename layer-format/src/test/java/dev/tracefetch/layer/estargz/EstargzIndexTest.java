package dev.tracefetch.layer.estargz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracefetch.oci.image.Digest;
import java.util.List;
import org.junit.jupiter.api.Test;

class EstargzIndexTest {
  static final Digest D = Digest.of(new byte[] {1});
  static final long TOC_OFFSET = 1_000_000;

  static EstargzIndex index(TocEntry... entries) throws InvalidEstargzException {
    return EstargzIndex.build(
        "sha256:layer", Toc.of(List.of(entries)), D, TOC_OFFSET, EstargzLimits.defaults());
  }

  static void assertInvalid(String message, TocEntry... entries) {
    assertThatThrownBy(() -> index(entries))
        .isInstanceOf(InvalidEstargzException.class)
        .hasMessageStartingWith("invalid TOC in layer sha256:layer: ")
        .hasMessageContaining(message);
  }

  static TocEntry reg(String name, long size, long offset) {
    return TocEntry.builder(name, TocEntryType.REG)
        .size(size)
        .offset(offset)
        .chunkDigest(size > 0 ? D : null)
        .build();
  }

  static TocEntry dir(String name) {
    return TocEntry.builder(name, TocEntryType.DIR).mode(040700).build();
  }

  @Test
  void buildsImplicitDirectoriesListingsAndLinkCounts() throws InvalidEstargzException {
    EstargzIndex idx =
        index(
            reg("usr/bin/tool", 10, 100),
            dir("etc/"),
            TocEntry.builder("etc/a", TocEntryType.REG)
                .uid(7)
                .userName("seven")
                .gid(8)
                .groupName("eight")
                .build(),
            TocEntry.builder("etc/b", TocEntryType.REG).uid(7).gid(8).build(),
            TocEntry.builder("etc/link", TocEntryType.HARDLINK).linkName("./etc/a").build(),
            TocEntry.builder("etc/link2", TocEntryType.HARDLINK).linkName("etc/link").build(),
            dir("etc/sub/"),
            TocEntry.builder("etc/sym", TocEntryType.SYMLINK).linkName("/nowhere").build());
    EstargzFile root = idx.lookup("/").orElseThrow();
    assertThat(root.implicit()).isTrue();
    assertThat(root.isDirectory()).isTrue();
    assertThat(idx.children("")).containsExactly("etc", "usr");
    assertThat(idx.children("/etc")).containsExactly("a", "b", "link", "link2", "sub", "sym");
    EstargzFile usr = idx.lookup("usr").orElseThrow();
    assertThat(usr.implicit()).isTrue();
    assertThat(usr.permissions()).isEqualTo(0755);
    assertThat(idx.lookup("etc").orElseThrow().implicit()).isFalse();
    assertThat(idx.lookup("etc").orElseThrow().permissions()).isEqualTo(0700);
    assertThat(root.linkCount()).isEqualTo(4);
    assertThat(idx.lookup("etc").orElseThrow().linkCount()).isEqualTo(3);
    assertThat(idx.lookup("etc/a").orElseThrow().linkCount()).isEqualTo(3);
    assertThat(idx.lookup("etc/link2").orElseThrow().hardlinkTarget()).isEqualTo("etc/a");
    assertThat(idx.resolve("etc/link2").orElseThrow().path()).isEqualTo("etc/a");
    assertThat(idx.lookup("etc/sym").orElseThrow().entry().linkName()).isEqualTo("/nowhere");
    // Owner names given once per id are filled in for later entries.
    assertThat(idx.lookup("etc/b").orElseThrow().entry().userName()).isEqualTo("seven");
    assertThat(idx.lookup("etc/b").orElseThrow().entry().groupName()).isEqualTo("eight");
    EstargzFile tool = idx.lookup("./usr/bin/tool").orElseThrow();
    assertThat(tool.chunks()).hasSize(1);
    EstargzChunk c = tool.chunks().get(0);
    assertThat(c.compressedOffset()).isEqualTo(100);
    assertThat(c.compressedEnd()).isEqualTo(TOC_OFFSET);
    assertThat(c.chunkSize()).isEqualTo(10);
    assertThat(idx.lookup("missing")).isEmpty();
    assertThat(idx.children("etc/a")).isEmpty();
  }

  @Test
  void chunksGetCompressedEndsFromTheNextOffsetAndSharedMembersWork()
      throws InvalidEstargzException {
    EstargzIndex idx =
        index(
            TocEntry.builder("big", TocEntryType.REG)
                .size(25)
                .offset(100)
                .chunkSize(10)
                .chunkDigest(D)
                .build(),
            TocEntry.builder("big", TocEntryType.CHUNK)
                .offset(200)
                .chunkOffset(10)
                .chunkSize(10)
                .chunkDigest(D)
                .build(),
            TocEntry.builder("", TocEntryType.CHUNK)
                .offset(300)
                .chunkOffset(20)
                .chunkDigest(D)
                .build(),
            // two small files sharing one member (upstream's minChunkSize mode)
            reg("s1", 4, 400),
            TocEntry.builder("s2", TocEntryType.REG)
                .size(6)
                .offset(400)
                .innerOffset(516)
                .chunkDigest(D)
                .build(),
            reg("empty", 0, 0),
            reg("last", 1, 500));
    EstargzFile big = idx.lookup("big").orElseThrow();
    assertThat(big.chunks())
        .extracting(
            EstargzChunk::compressedOffset,
            EstargzChunk::compressedEnd,
            EstargzChunk::chunkOffset,
            EstargzChunk::chunkSize)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(100L, 200L, 0L, 10),
            org.assertj.core.groups.Tuple.tuple(200L, 300L, 10L, 10),
            org.assertj.core.groups.Tuple.tuple(300L, 400L, 20L, 5));
    assertThat(big.chunkAt(0).index()).isZero();
    assertThat(big.chunkAt(19).index()).isEqualTo(1);
    assertThat(big.chunkAt(24).index()).isEqualTo(2);
    assertThat(big.chunkAt(25)).isNull();
    assertThat(big.chunksFor(9, 2)).extracting(EstargzChunk::index).containsExactly(0, 1);
    assertThat(big.chunksFor(0, 100)).hasSize(3);
    assertThat(big.chunksFor(25, 1)).isEmpty();
    EstargzChunk s2 = idx.lookup("s2").orElseThrow().chunks().get(0);
    assertThat(s2.innerOffset()).isEqualTo(516);
    assertThat(s2.compressedEnd()).isEqualTo(500);
    assertThat(idx.lookup("empty").orElseThrow().chunks()).isEmpty();
    assertThat(idx.chunksInBlobOrder())
        .extracting(EstargzChunk::path)
        .containsExactly("big", "big", "big", "s1", "s2", "last");
  }

  @Test
  void rejectsNamesEscapingTheRoot() {
    assertInvalid("entry #0 ('/etc/passwd', reg): name is absolute", reg("/etc/passwd", 0, 0));
    assertInvalid("entry #0 ('../x', reg): name escapes the layer root", reg("../x", 0, 0));
    assertInvalid(
        "entry #1 ('a/../../x', symlink): name escapes the layer root",
        dir("a/"),
        TocEntry.builder("a/../../x", TocEntryType.SYMLINK).linkName("y").build());
    assertInvalid(
        "hardlink 'h' -> '../../etc/shadow': name escapes the layer root",
        TocEntry.builder("h", TocEntryType.HARDLINK).linkName("../../etc/shadow").build());
  }

  @Test
  void rejectsDuplicatesAndBadStructure() {
    assertInvalid(
        "entry #1 ('./a/', dir) duplicates entry #0 (both are 'a')", dir("a"), dir("./a/"));
    assertInvalid(
        "entry #0 ('./', reg) names the layer root but is not a directory", reg("./", 0, 0));
    assertInvalid(
        "'a/b' has parent 'a', which is a reg, not a directory", reg("a", 0, 0), reg("a/b", 0, 0));
    assertInvalid(
        "'lib/x' has parent 'lib', which is a symlink",
        TocEntry.builder("lib", TocEntryType.SYMLINK).linkName("/usr/lib").build(),
        reg("lib/x", 0, 0));
    assertInvalid(
        "entry #0 ('l', symlink) has no linkName",
        TocEntry.builder("l", TocEntryType.SYMLINK).build());
    assertInvalid(
        "hardlink 'h' points to 'nope', which is not in the TOC",
        TocEntry.builder("h", TocEntryType.HARDLINK).linkName("nope").build());
    assertInvalid(
        "hardlink 'h' points to directory 'd'",
        dir("d"),
        TocEntry.builder("h", TocEntryType.HARDLINK).linkName("d").build());
    assertInvalid(
        "is part of a hardlink cycle",
        TocEntry.builder("h1", TocEntryType.HARDLINK).linkName("h2").build(),
        TocEntry.builder("h2", TocEntryType.HARDLINK).linkName("h1").build());
  }

  @Test
  void rejectsBadChunks() {
    assertInvalid(
        "entry #0 ('x', reg) of 'x' has no chunkDigest",
        TocEntry.builder("x", TocEntryType.REG).size(5).offset(10).build());
    assertInvalid(
        "entry #1 ('x', chunk) of 'x' has no chunkDigest",
        TocEntry.builder("x", TocEntryType.REG)
            .size(10)
            .offset(10)
            .chunkSize(5)
            .chunkDigest(D)
            .build(),
        TocEntry.builder("x", TocEntryType.CHUNK).offset(20).chunkOffset(5).build());
    assertInvalid(
        "entry #0 ('c', chunk) does not follow a non-empty reg entry",
        TocEntry.builder("c", TocEntryType.CHUNK).offset(20).chunkDigest(D).build());
    assertInvalid(
        "entry #2 ('x', chunk) does not follow a non-empty reg entry",
        reg("x", 5, 10),
        dir("d"),
        TocEntry.builder("x", TocEntryType.CHUNK).offset(20).chunkOffset(5).chunkDigest(D).build());
    assertInvalid(
        "follows the reg entry of 'x', not its own file",
        TocEntry.builder("x", TocEntryType.REG)
            .size(10)
            .offset(10)
            .chunkSize(5)
            .chunkDigest(D)
            .build(),
        TocEntry.builder("y", TocEntryType.CHUNK).offset(20).chunkOffset(5).chunkDigest(D).build());
    assertInvalid(
        "has chunkOffset 6 but the previous chunk ends at 5 (chunks must be contiguous)",
        TocEntry.builder("x", TocEntryType.REG)
            .size(10)
            .offset(10)
            .chunkSize(5)
            .chunkDigest(D)
            .build(),
        TocEntry.builder("x", TocEntryType.CHUNK).offset(20).chunkOffset(6).chunkDigest(D).build());
    assertInvalid(
        "chunks of 'x' cover 5 of its 10 bytes",
        TocEntry.builder("x", TocEntryType.REG)
            .size(10)
            .offset(10)
            .chunkSize(5)
            .chunkDigest(D)
            .build());
    assertInvalid(
        "covers bytes [0, 20) of a file of 10 bytes",
        TocEntry.builder("x", TocEntryType.REG)
            .size(10)
            .offset(10)
            .chunkSize(20)
            .chunkDigest(D)
            .build());
    assertInvalid(
        "entry #0 ('x', reg) of 'x' has offset 1000000, at or past the TOC at 1000000",
        reg("x", 5, TOC_OFFSET));
    assertInvalid(
        "entry #1 ('b', reg) overlaps entry #0 ('a', reg) in the gzip member at offset 10",
        reg("a", 5, 10),
        reg("b", 5, 10));
    assertInvalid(
        "inner ranges [0, 600) and [512, 517)",
        reg("a", 600, 10),
        TocEntry.builder("b", TocEntryType.REG)
            .size(5)
            .offset(10)
            .innerOffset(512)
            .chunkDigest(D)
            .build());
    assertThatThrownBy(
            () ->
                EstargzIndex.build(
                    "L",
                    Toc.of(List.of(reg("x", 5000, 10))),
                    D,
                    TOC_OFFSET,
                    EstargzLimits.defaults().withMaxChunkSize(4096)))
        .hasMessageContaining("is 5000 bytes, over the limit of 4096");
  }
}
