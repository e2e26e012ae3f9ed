package dev.tracefetch.fs.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracefetch.fs.cache.ChunkCache;
import dev.tracefetch.fs.image.EntryType;
import dev.tracefetch.fs.image.Layer;
import dev.tracefetch.fs.image.MergedTree;
import dev.tracefetch.fs.image.TreeNode;
import dev.tracefetch.fs.lazy.ChunkSource;
import dev.tracefetch.fs.lazy.ImageFileSystem;
import dev.tracefetch.fs.local.LocalChunkSource;
import dev.tracefetch.fs.local.LocalLayer;
import dev.tracefetch.fs.local.TarLayerIndexer;
import dev.tracefetch.fs.ops.CallContext;
import dev.tracefetch.fs.ops.FileHandle;
import dev.tracefetch.layer.estargz.BlobRangeReader;
import dev.tracefetch.layer.estargz.EstargzIndex;
import dev.tracefetch.layer.estargz.EstargzReader;
import dev.tracefetch.layer.estargz.EstargzResult;
import dev.tracefetch.layer.estargz.EstargzWriter;
import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.testing.ExpectedTree;
import dev.tracefetch.oci.testing.TestEntry;
import dev.tracefetch.oci.testing.TestImage;
import dev.tracefetch.oci.testing.TestImages;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sample image's layers, as eStargz (ranged reads from memory) and as plain local tars, merged
 * and read through the filesystem operations, compared with the tree the layers define.
 */
class EstargzLayersTest {
  private static final CallContext CTX = CallContext.UNKNOWN;

  @TempDir Path dir;

  private static byte[] readAll(ImageFileSystem fs, String path, long size) throws Exception {
    FileHandle h = fs.open(path, 0, CTX);
    byte[] out = new byte[(int) size];
    int n = fs.read(h, 0, out.length, (at, src) -> src.get(out, at, src.remaining()), CTX);
    assertThat(n).isEqualTo(size);
    return out;
  }

  private static void assertTreeMatches(MergedTree tree, ImageFileSystem fs, ExpectedTree expected)
      throws Exception {
    for (Map.Entry<String, ExpectedTree.Node> e : expected.nodes().entrySet()) {
      ExpectedTree.Node n = e.getValue();
      TreeNode t = tree.lookup(e.getKey()).orElseThrow(() -> new AssertionError(e.getKey()));
      switch (n.type()) {
        case DIRECTORY -> assertThat(t.type()).isEqualTo(EntryType.DIR);
        case SYMLINK -> {
          assertThat(t.type()).isEqualTo(EntryType.SYMLINK);
          assertThat(t.linkName()).isEqualTo(n.linkTarget());
        }
        case FILE -> {
          assertThat(t.type()).as(e.getKey()).isEqualTo(EntryType.REG);
          assertThat(t.size()).as(e.getKey()).isEqualTo(n.size());
          assertThat(Digest.of(readAll(fs, "/" + e.getKey(), n.size())))
              .as("content of %s", e.getKey())
              .isEqualTo(n.contentDigest());
        }
        default -> throw new AssertionError(n.type());
      }
      if (n.type() != TestEntry.Type.SYMLINK) {
        assertThat(t.mode()).as("mode of %s", e.getKey()).isEqualTo(n.mode());
      }
      assertThat(t.uid()).isEqualTo(n.uid());
      assertThat(t.mtime().getEpochSecond()).isEqualTo(n.mtime().getEpochSecond());
      if (n.hardlinkOf() != null) {
        assertThat(t).isSameAs(tree.lookup(n.hardlinkOf()).orElseThrow());
      }
    }
    for (String p : tree.paths()) {
      String rel = p.equals("/") ? "" : p.substring(1);
      boolean known =
          rel.isEmpty()
              || expected.contains(rel)
              || expected.nodes().keySet().stream().anyMatch(k -> k.startsWith(rel + "/"));
      assertThat(known).as("unexpected %s", p).isTrue();
    }
  }

  @Test
  void estargzLayersMergeAndReadLikeTheSourceLayers() throws Exception {
    TestImage image = TestImages.sample();
    List<Layer> layers = new ArrayList<>();
    Map<Integer, ChunkSource> sources = new HashMap<>();
    for (int i = 0; i < image.layers().size(); i++) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      EstargzResult r =
          EstargzWriter.builder()
              .chunkSize(1 << 20)
              .build()
              .convert(new ByteArrayInputStream(image.layers().get(i).blob()), out);
      BlobRangeReader blob = BlobRangeReader.ofBytes(out.toByteArray());
      EstargzIndex idx = EstargzReader.open("layer" + i, blob, r.tocDigest());
      layers.add(EstargzLayers.toLayer(i, idx));
      sources.put(i, new EstargzChunkSource("layer" + i, blob));
    }
    MergedTree tree = MergedTree.build(layers);
    try (ChunkCache cache = ChunkCache.open(dir.resolve("cache"), 64L << 20)) {
      ImageFileSystem fs = new ImageFileSystem(tree, new LayeredChunkSource(sources), cache);
      assertTreeMatches(tree, fs, image.expectedTree());
      TreeNode big = tree.lookup("/data/big.bin").orElseThrow();
      assertThat(big.chunks()).hasSizeGreaterThan(5);
      assertThat(big.contentDigest()).isNotNull();
    }
    assertThat(tree.lookup("/.no.prefetch.landmark")).isEmpty();
  }

  @Test
  void plainTarLayersIndexedLocallyMergeAndReadLikeTheSourceLayers() throws Exception {
    TestImage image = TestImages.sample();
    List<LocalLayer> local = new ArrayList<>();
    for (int i = 0; i < image.layers().size(); i++) {
      Path tar = dir.resolve("layer" + i + ".tar");
      Files.write(tar, image.layers().get(i).source().tar());
      local.add(TarLayerIndexer.index(i, "layer" + i, tar, 1 << 20));
    }
    MergedTree tree = MergedTree.build(local.stream().map(LocalLayer::layer).toList());
    try (ChunkCache cache = ChunkCache.open(dir.resolve("cache"), 64L << 20);
        LocalChunkSource source = new LocalChunkSource(local)) {
      assertTreeMatches(tree, new ImageFileSystem(tree, source, cache), image.expectedTree());
    }
  }

  @Test
  void chunkKeyWithoutARangeIsRejected() {
    EstargzChunkSource source = new EstargzChunkSource("l", BlobRangeReader.ofBytes(new byte[10]));
    var key = new dev.tracefetch.fs.image.ChunkKey(0, 0, 0, 0, 5, Digest.ofUtf8("x"));
    assertThatThrownBy(() -> source.read(key))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("no usable compressed range");
  }
}
