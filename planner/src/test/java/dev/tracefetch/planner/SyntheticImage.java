package dev.tracefetch.planner;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * A made-up image for tests and the benchmark: layers of eStargz-like chunks (mostly small files, a
 * few multi-chunk files), each chunk preceded by a tar header, with file paths and digests.
 */
public final class SyntheticImage {
  /** One chunk of a file in a layer. */
  public record Chunk(
      int layer,
      long offset,
      int length,
      String chunkDigest,
      String path,
      String contentDigest,
      long chunkOffset) {
    public long key() {
      return ChunkKeys.of(layer, offset);
    }

    public ChunkEntry entry() {
      return new ChunkEntry(path, contentDigest, chunkOffset, offset, length, chunkDigest);
    }
  }

  private static final long FOUR_MIB = 4L << 20;

  private final String manifestDigest;
  private final List<String> layerDigests;
  private final List<List<Chunk>> layers;

  private SyntheticImage(
      String manifestDigest, List<String> layerDigests, List<List<Chunk>> layers) {
    this.manifestDigest = manifestDigest;
    this.layerDigests = List.copyOf(layerDigests);
    List<List<Chunk>> copy = new ArrayList<>();
    for (List<Chunk> layer : layers) {
      copy.add(List.copyOf(layer));
    }
    this.layers = List.copyOf(copy);
  }

  /** An image of {@code layerCount} layers with about {@code chunksPerLayer} chunks each. */
  public static SyntheticImage generate(long seed, int layerCount, int chunksPerLayer) {
    Random rnd = new Random(seed);
    List<String> digests = new ArrayList<>();
    List<List<Chunk>> layers = new ArrayList<>();
    for (int l = 0; l < layerCount; l++) {
      digests.add(digest(rnd));
      layers.add(layerChunks(rnd, l, chunksPerLayer, "/l" + l, 0));
    }
    return new SyntheticImage(digest(rnd), digests, layers);
  }

  private static List<Chunk> layerChunks(
      Random rnd, int layer, int chunkCount, String prefix, long startOffset) {
    List<Chunk> chunks = new ArrayList<>();
    long offset = startOffset;
    int file = 0;
    while (chunks.size() < chunkCount) {
      String path = prefix + "/d" + (file % 37) + "/f" + file;
      String content = digest(rnd);
      int pieces = rnd.nextDouble() < 0.003 ? 2 + rnd.nextInt(3) : 1;
      offset += 512; // tar header before the payload
      for (int p = 0; p < pieces && chunks.size() < chunkCount; p++) {
        int length = chunkLength(rnd, pieces > 1 && p < pieces - 1);
        chunks.add(new Chunk(layer, offset, length, digest(rnd), path, content, p * FOUR_MIB));
        offset += length; // the next chunk of the same file follows at once
      }
      file++;
    }
    return chunks;
  }

  private static int chunkLength(Random rnd, boolean fullChunk) {
    if (fullChunk || rnd.nextDouble() < 0.001) {
      return (int) (FOUR_MIB / 2 + rnd.nextInt((int) (FOUR_MIB / 4))); // a compressed 4 MiB chunk
    }
    // log-uniform between 128 B and 128 KiB
    return (int) Math.round(Math.exp(Math.log(128) + rnd.nextDouble() * Math.log(1024)));
  }

  static String digest(Random rnd) {
    StringBuilder sb = new StringBuilder("sha256:");
    for (int i = 0; i < 4; i++) {
      sb.append(String.format("%016x", rnd.nextLong()));
    }
    return sb.toString();
  }

  /**
   * Image v2: layer {@code layer} rebuilt with a new file inserted first (so every offset moves)
   * and the files in {@code modifiedPaths} changed (new content digest and chunk digests); other
   * layers unchanged.
   */
  public SyntheticImage withChangedLayer(long seed, int layer, Set<String> modifiedPaths) {
    Random rnd = new Random(seed);
    List<List<Chunk>> next = new ArrayList<>(layers);
    List<Chunk> rebuilt = new ArrayList<>();
    long shift = 512 + 3000 + rnd.nextInt(1000);
    String newContent = null;
    for (Chunk c : layers.get(layer)) {
      if (modifiedPaths.contains(c.path())) {
        if (newContent == null || !rebuilt.get(rebuilt.size() - 1).path().equals(c.path())) {
          newContent = digest(rnd);
        }
        rebuilt.add(
            new Chunk(
                layer,
                c.offset() + shift,
                c.length(),
                digest(rnd),
                c.path(),
                newContent,
                c.chunkOffset()));
      } else {
        rebuilt.add(
            new Chunk(
                layer,
                c.offset() + shift,
                c.length(),
                c.chunkDigest(),
                c.path(),
                c.contentDigest(),
                c.chunkOffset()));
      }
    }
    next.set(layer, rebuilt);
    List<String> digests = new ArrayList<>(layerDigests);
    digests.set(layer, digest(rnd));
    return new SyntheticImage(digest(rnd), digests, next);
  }

  public String manifestDigest() {
    return manifestDigest;
  }

  public List<String> layerDigests() {
    return layerDigests;
  }

  public List<Chunk> layer(int index) {
    return layers.get(index);
  }

  public int layerCount() {
    return layers.size();
  }

  public List<Chunk> allChunks() {
    List<Chunk> all = new ArrayList<>();
    for (List<Chunk> layer : layers) {
      all.addAll(layer);
    }
    return Collections.unmodifiableList(all);
  }

  /** Distinct file paths of one layer. */
  public Set<String> paths(int layer) {
    Set<String> paths = new HashSet<>();
    for (Chunk c : layers.get(layer)) {
      paths.add(c.path());
    }
    return paths;
  }

  public ImageChunkTable table() {
    List<LayerChunkTable> tables = new ArrayList<>();
    for (int l = 0; l < layers.size(); l++) {
      List<ChunkEntry> entries = new ArrayList<>();
      for (Chunk c : layers.get(l)) {
        entries.add(c.entry());
      }
      tables.add(new LayerChunkTable(layerDigests.get(l), entries));
    }
    return new ImageChunkTable(manifestDigest, tables);
  }
}
