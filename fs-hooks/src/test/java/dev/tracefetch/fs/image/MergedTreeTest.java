package dev.tracefetch.fs.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracefetch.layer.tar.Xattrs;
import dev.tracefetch.oci.image.Digest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MergedTreeTest {

  // ---- helpers -------------------------------------------------------------------------------

  private static LayerEntry dir(String name, int mode) {
    return LayerEntry.builder(name, EntryType.DIR).mode(mode).build();
  }

  private static LayerEntry file(String name, String content) {
    byte[] data = content.getBytes(StandardCharsets.UTF_8);
    LayerEntry.Builder b = LayerEntry.builder(name, EntryType.REG).size(data.length);
    if (data.length > 0) {
      b.addChunk(new ChunkRef(0, new ChunkKey(0, 0, data.length, 0, data.length, Digest.of(data))));
    }
    return b.build();
  }

  private static LayerEntry symlink(String name, String target) {
    return LayerEntry.builder(name, EntryType.SYMLINK).linkName(target).build();
  }

  private static LayerEntry hardlink(String name, String target) {
    return LayerEntry.builder(name, EntryType.HARDLINK).linkName(target).build();
  }

  private static LayerEntry whiteout(String name) {
    return LayerEntry.builder(name, EntryType.REG).build();
  }

  private static Layer layer(LayerEntry... entries) {
    return new Layer("test", Arrays.asList(entries));
  }

  private static MergedTree build(Layer... layers) throws InvalidImageException {
    return MergedTree.build(List.of(layers));
  }

  private static TreeNode node(MergedTree t, String path) {
    return t.lookup(path).orElseThrow(() -> new AssertionError("missing " + path));
  }

  private static Digest digestOf(TreeNode n) {
    return n.chunks().get(0).key().digest();
  }

  // ---- layering ------------------------------------------------------------------------------

  @Test
  void upperFileReplacesLowerFileAndRecordsItsLayer() throws Exception {
    MergedTree t =
        build(layer(dir("etc", 0755), file("etc/x", "old")), layer(file("etc/x", "newer")));

    TreeNode x = node(t, "/etc/x");
    assertThat(x.size()).isEqualTo(5);
    assertThat(x.layer()).isEqualTo(1);
    assertThat(digestOf(x)).isEqualTo(Digest.ofUtf8("newer"));
  }

  @Test
  void upperDirectoryTakesMetadataButKeepsLowerChildren() throws Exception {
    MergedTree t =
        build(
            layer(dir("opt", 0700), file("opt/a", "a")),
            layer(
                LayerEntry.builder("opt/", EntryType.DIR)
                    .mode(0750)
                    .owner(7, 8)
                    .mtime(Instant.ofEpochSecond(99))
                    .build(),
                file("opt/b", "b")));

    TreeNode opt = node(t, "/opt");
    assertThat(opt.mode()).isEqualTo(0750);
    assertThat(opt.uid()).isEqualTo(7);
    assertThat(opt.gid()).isEqualTo(8);
    assertThat(opt.mtime()).isEqualTo(Instant.ofEpochSecond(99));
    assertThat(opt.children().keySet()).containsExactly("a", "b");
  }

  @Test
  void upperFileReplacesWholeLowerDirectory() throws Exception {
    MergedTree t =
        build(layer(dir("d", 0755), file("d/inner", "x")), layer(file("d", "now a file")));

    assertThat(node(t, "/d").type()).isEqualTo(EntryType.REG);
    assertThat(t.lookup("/d/inner")).isEmpty();
  }

  @Test
  void missingParentsAreCreatedAsDirectories() throws Exception {
    MergedTree t = build(layer(file("a/b/c/file", "x")));

    assertThat(node(t, "/a").isDirectory()).isTrue();
    assertThat(node(t, "/a/b/c").isDirectory()).isTrue();
    assertThat(node(t, "/a/b/c").mode()).isEqualTo(0755);
    assertThat(node(t, "/a/b/c/file").type()).isEqualTo(EntryType.REG);
  }

  @Test
  void upperEntryBeneathALowerFileReplacesItWithADirectoryAndWarns() throws Exception {
    MergedTree t = build(layer(symlink("lib", "usr/lib")), layer(file("lib/x.so", "elf")));

    assertThat(node(t, "/lib").isDirectory()).isTrue();
    assertThat(node(t, "/lib/x.so").type()).isEqualTo(EntryType.REG);
    assertThat(t.warnings()).anyMatch(w -> w.contains("'lib' replaced by a directory"));
  }

  @Test
  void rootEntrySetsRootMetadata() throws Exception {
    MergedTree t = build(layer(LayerEntry.builder("./", EntryType.DIR).mode(0700).build()));

    assertThat(t.root().mode()).isEqualTo(0700);
    assertThat(t.root().inode()).isEqualTo(1);
    assertThat(t.lookup("/")).containsSame(t.root());
  }

  @Test
  void rootNoLayerDeclaresComesFromTheLowestLayerNotANegativeIndex() throws Exception {
    MergedTree t = build(layer(file("a", "1")), layer(file("b", "2")));

    // Traces name the layer of every file they touch, the root included; the store refuses a
    // negative layer index, so an undeclared root must still name a real layer.
    assertThat(t.root().layer()).isZero();
    assertThat(node(t, "/b").layer()).isEqualTo(1);
  }

  // ---- whiteouts -----------------------------------------------------------------------------

  @Test
  void whiteoutRemovesLowerFileAndIsItselfInvisible() throws Exception {
    MergedTree t =
        build(
            layer(dir("etc", 0755), file("etc/passwd", "root"), file("etc/keep", "k")),
            layer(whiteout("etc/.wh.passwd")));

    assertThat(t.lookup("/etc/passwd")).isEmpty();
    assertThat(t.lookup("/etc/.wh.passwd")).isEmpty();
    assertThat(node(t, "/etc").children().keySet()).containsExactly("keep");
  }

  @Test
  void whiteoutRemovesLowerDirectoryWithEverythingBeneath() throws Exception {
    MergedTree t =
        build(
            layer(dir("var", 0755), dir("var/cache", 0755), file("var/cache/deep/f", "x")),
            layer(whiteout("var/.wh.cache")));

    assertThat(t.lookup("/var/cache")).isEmpty();
    assertThat(t.lookup("/var/cache/deep/f")).isEmpty();
    assertThat(t.paths()).noneMatch(p -> p.startsWith("/var/cache"));
  }

  @Test
  void whiteoutDoesNotHideAnEntryOfItsOwnLayer() throws Exception {
    MergedTree t =
        build(layer(file("f", "lower")), layer(file("f", "same layer"), whiteout(".wh.f")));

    assertThat(node(t, "/f").size()).isEqualTo("same layer".length());
  }

  @Test
  void laterLayerCanRecreateAWhitedOutName() throws Exception {
    MergedTree t =
        build(layer(file("f", "one")), layer(whiteout(".wh.f")), layer(file("f", "three")));

    assertThat(digestOf(node(t, "/f"))).isEqualTo(Digest.ofUtf8("three"));
  }

  @Test
  void whiteoutOfSomethingThatNeverExistedIsHarmless() throws Exception {
    MergedTree t = build(layer(file("a", "a")), layer(whiteout("nowhere/.wh.ghost")));

    assertThat(t.lookup("/nowhere/ghost")).isEmpty();
    assertThat(node(t, "/nowhere").isDirectory()).isTrue();
  }

  @Test
  void opaqueDirectoryHidesLowerChildrenButKeepsItsOwnLayersEntries() throws Exception {
    MergedTree t =
        build(
            layer(dir("app", 0755), file("app/old1", "1"), dir("app/olddir", 0755)),
            layer(
                file("app/new", "n"), // before the marker on purpose: order must not matter
                whiteout("app/.wh..wh..opq"),
                dir("app", 0711)));

    TreeNode app = node(t, "/app");
    assertThat(app.children().keySet()).containsExactly("new");
    assertThat(app.mode()).isEqualTo(0711);
    assertThat(t.lookup("/app/.wh..wh..opq")).isEmpty();
  }

  @Test
  void opaqueMarkerOnlyAffectsItsDirectory() throws Exception {
    MergedTree t =
        build(layer(file("a/x", "x"), file("b/y", "y")), layer(whiteout("a/.wh..wh..opq")));

    assertThat(node(t, "/a").children()).isEmpty();
    assertThat(node(t, "/b").children().keySet()).containsExactly("y");
  }

  @Test
  void aufsMetadataEntriesAreIgnored() throws Exception {
    MergedTree t = build(layer(file(".wh..wh.plnk/12.34", "x"), file("real", "r")));

    assertThat(t.root().children().keySet()).containsExactly("real");
  }

  // ---- hard links ----------------------------------------------------------------------------

  @Test
  void hardlinkSharesInodeDataAndCountsLinks() throws Exception {
    MergedTree t = build(layer(file("bin/busybox", "ELF..."), hardlink("bin/sh", "bin/busybox")));

    TreeNode a = node(t, "/bin/busybox");
    TreeNode b = node(t, "/bin/sh");
    assertThat(b).isSameAs(a);
    assertThat(a.nlink()).isEqualTo(2);
    assertThat(b.type()).isEqualTo(EntryType.REG);
    assertThat(b.size()).isEqualTo(6);
  }

  @Test
  void hardlinkMayComeBeforeItsTargetAndPointAtAnotherLink() throws Exception {
    MergedTree t =
        build(
            layer(hardlink("c", "b"), hardlink("b", "./a"), file("a", "data"), dir("other", 0755)));

    assertThat(node(t, "/c")).isSameAs(node(t, "/a"));
    assertThat(node(t, "/b")).isSameAs(node(t, "/a"));
    assertThat(node(t, "/a").nlink()).isEqualTo(3);
  }

  @Test
  void whitingOutOneNameOfAHardlinkKeepsTheOtherAndLowersNlink() throws Exception {
    MergedTree t = build(layer(file("a", "data"), hardlink("b", "a")), layer(whiteout(".wh.a")));

    assertThat(t.lookup("/a")).isEmpty();
    assertThat(node(t, "/b").nlink()).isEqualTo(1);
    assertThat(digestOf(node(t, "/b"))).isEqualTo(Digest.ofUtf8("data"));
  }

  @Test
  void hardlinkToLowerLayerFileIsResolved() throws Exception {
    MergedTree t = build(layer(file("lib/a.so", "so")), layer(hardlink("lib/b.so", "lib/a.so")));

    assertThat(node(t, "/lib/b.so")).isSameAs(node(t, "/lib/a.so"));
  }

  @Test
  void hardlinkWithoutTargetIsRejected() {
    assertThatThrownBy(() -> build(layer(hardlink("x", "missing"))))
        .isInstanceOf(InvalidImageException.class)
        .hasMessageContaining("hard link 'x'")
        .hasMessageContaining("'missing' does not exist");
  }

  @Test
  void hardlinkCycleIsRejected() {
    assertThatThrownBy(() -> build(layer(hardlink("x", "y"), hardlink("y", "x"))))
        .isInstanceOf(InvalidImageException.class)
        .hasMessageContaining("cycle");
  }

  @Test
  void hardlinkToDirectoryIsRejected() {
    assertThatThrownBy(() -> build(layer(dir("d", 0755), hardlink("x", "d"))))
        .isInstanceOf(InvalidImageException.class)
        .hasMessageContaining("is a directory");
  }

  // ---- hostile names -------------------------------------------------------------------------

  @Test
  void dotDotEscapingTheRootIsRejectedWithLayerAndName() {
    assertThatThrownBy(() -> build(layer(file("../../etc/shadow", "x"))))
        .isInstanceOf(InvalidImageException.class)
        .hasMessageContaining("layer 0 (test)")
        .hasMessageContaining("'../../etc/shadow'")
        .hasMessageContaining("escapes the image root");
    assertThatThrownBy(() -> build(layer(file("a/../../x", "x"))))
        .isInstanceOf(InvalidImageException.class)
        .hasMessageContaining("escapes");
  }

  @Test
  void hardlinkTargetEscapingTheRootIsRejected() {
    assertThatThrownBy(() -> build(layer(file("a", "x"), hardlink("b", "../../etc/passwd"))))
        .isInstanceOf(InvalidImageException.class)
        .hasMessageContaining("escapes the image root");
  }

  @Test
  void dotDotInsideTheRootAndRedundantSeparatorsAreNormalised() throws Exception {
    MergedTree t = build(layer(file("./a/./b//../c", "x")));

    assertThat(t.lookup("/a/c")).isPresent();
    assertThat(t.lookup("/a/b")).isEmpty();
  }

  @Test
  void absoluteNamesAreMadeRelativeWithAWarning() throws Exception {
    MergedTree t = build(layer(file("/etc/abs", "x")));

    assertThat(t.lookup("/etc/abs")).isPresent();
    assertThat(t.warnings()).anyMatch(w -> w.contains("absolute name"));
  }

  @Test
  void nulInNameIsRejected() {
    assertThatThrownBy(() -> build(layer(file("a\0b", "x"))))
        .isInstanceOf(InvalidImageException.class)
        .hasMessageContaining("NUL");
  }

  @Test
  void overlongComponentIsRejected() {
    String longName = "n".repeat(256);
    assertThatThrownBy(() -> build(layer(file(longName, "x"))))
        .isInstanceOf(InvalidImageException.class)
        .hasMessageContaining("longer than 255");
  }

  @Test
  void duplicateEntriesInOneLayerAreRejected() {
    assertThatThrownBy(() -> build(layer(file("etc/x", "1"), file("./etc/x", "2"))))
        .isInstanceOf(InvalidImageException.class)
        .hasMessageContaining("duplicate entry for 'etc/x'");
  }

  @Test
  void repeatedDirectoryHeaderIsAcceptedAndTheLastWins() throws Exception {
    MergedTree t = build(layer(dir("d", 0700), file("d/f", "x"), dir("d/", 0751)));

    assertThat(node(t, "/d").mode()).isEqualTo(0751);
    assertThat(node(t, "/d/f")).isNotNull();
  }

  @Test
  void whiteoutNameUsedAsDirectoryIsRejected() {
    assertThatThrownBy(() -> build(layer(file(".wh.x/y", "x"))))
        .isInstanceOf(InvalidImageException.class)
        .hasMessageContaining("used as a directory");
  }

  @Test
  void symlinksAreKeptAsLinksAndNeverFollowed() throws Exception {
    MergedTree t =
        build(
            layer(symlink("escape", "../../../../etc/passwd"), symlink("loop", "loop")),
            layer(file("inside", "z")));

    TreeNode escape = node(t, "/escape");
    assertThat(escape.type()).isEqualTo(EntryType.SYMLINK);
    assertThat(escape.linkName()).isEqualTo("../../../../etc/passwd");
    assertThat(escape.size()).isEqualTo("../../../../etc/passwd".length());
    assertThat(node(t, "/loop").linkName()).isEqualTo("loop");
  }

  @Test
  void symlinkWithoutTargetIsRejected() {
    assertThatThrownBy(() -> build(layer(symlink("s", ""))))
        .isInstanceOf(InvalidImageException.class)
        .hasMessageContaining("symlink without a target");
  }

  // ---- chunks, inodes, nlink -----------------------------------------------------------------

  @Test
  void chunksThatDoNotCoverTheFileAreRejected() {
    Digest d = Digest.ofUtf8("x");
    LayerEntry gap =
        LayerEntry.builder("f", EntryType.REG)
            .size(10)
            .addChunk(new ChunkRef(0, new ChunkKey(0, 0, 0, 0, 4, d)))
            .addChunk(new ChunkRef(5, new ChunkKey(0, 9, 0, 0, 5, d)))
            .build();
    LayerEntry tooShort =
        LayerEntry.builder("g", EntryType.REG)
            .size(10)
            .addChunk(new ChunkRef(0, new ChunkKey(0, 0, 0, 0, 4, d)))
            .build();

    assertThatThrownBy(() -> build(layer(gap)))
        .isInstanceOf(InvalidImageException.class)
        .hasMessageContaining("expected a chunk at offset 4");
    assertThatThrownBy(() -> build(layer(tooShort)))
        .isInstanceOf(InvalidImageException.class)
        .hasMessageContaining("cover 4 bytes but the file has 10");
  }

  @Test
  void chunksOverlappingFindsExactlyTheChunksOfARange() throws Exception {
    Digest d = Digest.ofUtf8("x");
    LayerEntry.Builder b = LayerEntry.builder("big", EntryType.REG).size(10 * 100 + 7);
    for (int i = 0; i <= 10; i++) {
      long size = i < 10 ? 100 : 7;
      b.addChunk(new ChunkRef(i * 100L, new ChunkKey(0, i * 1000L, 0, 0, size, d)));
    }
    TreeNode big = node(build(layer(b.build())), "/big");

    assertThat(offsets(big.chunksOverlapping(0, 1))).containsExactly(0L);
    assertThat(offsets(big.chunksOverlapping(99, 2))).containsExactly(0L, 100L);
    assertThat(offsets(big.chunksOverlapping(250, 300))).containsExactly(200L, 300L, 400L, 500L);
    assertThat(offsets(big.chunksOverlapping(1000, 1 << 20))).containsExactly(1000L);
    assertThat(big.chunksOverlapping(1007, 10)).isEmpty();
    assertThat(big.chunksOverlapping(5, 0)).isEmpty();
  }

  private static List<Long> offsets(List<ChunkRef> chunks) {
    List<Long> out = new ArrayList<>();
    chunks.forEach(c -> out.add(c.fileOffset()));
    return out;
  }

  @Test
  void directoryNlinkIsTwoPlusSubdirectories() throws Exception {
    MergedTree t =
        build(layer(dir("a", 0755), dir("a/b", 0755), dir("a/c", 0755), file("a/f", "")));

    assertThat(node(t, "/a").nlink()).isEqualTo(4);
    assertThat(node(t, "/a/b").nlink()).isEqualTo(2);
    assertThat(t.root().nlink()).isEqualTo(3);
    assertThat(node(t, "/a/f").nlink()).isEqualTo(1);
  }

  @Test
  void inodeNumbersAreUniqueAndStableAcrossBuilds() throws Exception {
    Layer l1 = layer(file("z", "z"), file("a/b", "b"), symlink("m", "z"));
    Layer l2 = layer(file("a/c", "c"), hardlink("a/d", "z"));

    MergedTree first = build(l1, l2);
    MergedTree second = build(l1, l2);

    for (String p : first.paths()) {
      assertThat(node(second, p).inode()).as(p).isEqualTo(node(first, p).inode());
    }
    assertThat(first.paths()).containsExactly("/", "/a", "/a/b", "/a/c", "/a/d", "/m", "/z");
    long distinct =
        first.paths().stream().mapToLong(p -> node(first, p).inode()).distinct().count();
    assertThat(distinct).isEqualTo(first.inodeCount()).isEqualTo(6);
  }

  @Test
  void xattrsAndDeviceNumbersAreCarried() throws Exception {
    byte[] cap = {1, 0, 0, 2, 0x20, 0, 0, 0};
    MergedTree t =
        build(
            layer(
                LayerEntry.builder("bin/ping", EntryType.REG)
                    .xattrs(Xattrs.of(Map.of("security.capability", cap)))
                    .build(),
                LayerEntry.builder("dev/null", EntryType.CHAR).mode(0666).device(1, 3).build(),
                LayerEntry.builder("run/fifo", EntryType.FIFO).build()));

    assertThat(node(t, "/bin/ping").xattrs().get("security.capability")).hasValue(cap);
    TreeNode nul = node(t, "/dev/null");
    assertThat(nul.stMode()).isEqualTo(0020666);
    assertThat(nul.devMajor()).isEqualTo(1);
    assertThat(nul.devMinor()).isEqualTo(3);
    assertThat(node(t, "/run/fifo").stMode() & 0170000).isEqualTo(0010000);
  }

  @Test
  void totalsCountDistinctFiles() throws Exception {
    MergedTree t = build(layer(file("a", "12345"), hardlink("b", "a"), file("c", "123")));

    assertThat(t.totalFileBytes()).isEqualTo(8);
    assertThat(t.inodeCount()).isEqualTo(3);
  }

  @Test
  void symlinkOutOfTheRootIsKeptAsDataAndNeverFollowedByUpperEntries() throws Exception {
    MergedTree t = build(layer(symlink("etc", "/host-etc"), symlink("up", "../../..")));
    assertThat(node(t, "/etc").linkName()).isEqualTo("/host-etc");
    MergedTree upper =
        build(layer(symlink("etc", "../../host-etc")), layer(file("etc/passwd", "x")));
    // the entry beneath the link lands inside the image: the link is replaced by a directory
    assertThat(node(upper, "/etc").type()).isEqualTo(EntryType.DIR);
    assertThat(node(upper, "/etc/passwd").type()).isEqualTo(EntryType.REG);
    assertThat(upper.warnings()).anyMatch(w -> w.contains("replaced by a directory"));
  }

  @Test
  void hardlinkThroughASymlinkIsRejectedInsteadOfFollowed() {
    assertThatThrownBy(
            () -> build(layer(symlink("out", "/etc")), layer(hardlink("h", "out/passwd"))))
        .isInstanceOf(InvalidImageException.class)
        .hasMessageContaining("does not exist");
  }
}
