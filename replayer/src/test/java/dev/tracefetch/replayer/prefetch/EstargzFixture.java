package dev.tracefetch.replayer.prefetch;

import dev.tracefetch.layer.estargz.BlobRangeReader;
import dev.tracefetch.layer.estargz.EstargzChunk;
import dev.tracefetch.layer.estargz.EstargzIndex;
import dev.tracefetch.layer.estargz.EstargzLimits;
import dev.tracefetch.layer.estargz.EstargzReader;
import dev.tracefetch.layer.estargz.EstargzResult;
import dev.tracefetch.layer.estargz.EstargzWriter;
import dev.tracefetch.oci.image.Descriptor;
import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.testing.TestLayer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;

/** A real one-layer eStargz image in memory: blob bytes, descriptor and index. */
record EstargzFixture(byte[] blob, Descriptor descriptor, EstargzIndex index, ImageChunks image) {
  static final Digest MANIFEST = Digest.of("a manifest".getBytes());

  /** Files big.bin (random, many chunks), small/a..small/h and app/conf. */
  static EstargzFixture build(int chunkSize, List<String> prioritized) throws IOException {
    TestLayer layer =
        TestLayer.builder()
            .largeFile("data/big.bin", 24 * chunkSize, 7)
            .file("small/a", "a".repeat(100))
            .file("small/b", "b".repeat(200))
            .file("small/c", "c".repeat(300))
            .largeFile("data/other.bin", 8 * chunkSize, 8)
            .file("app/conf", "port=80\n")
            .build();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    EstargzResult r =
        EstargzWriter.builder()
            .chunkSize(chunkSize)
            .prioritizedFiles(prioritized)
            .build()
            .convert(new ByteArrayInputStream(layer.tarGzip()), out);
    byte[] blob = out.toByteArray();
    Descriptor d = r.descriptor();
    EstargzIndex index =
        EstargzReader.open(d, BlobRangeReader.ofBytes(blob), EstargzLimits.defaults());
    ImageChunks image = ImageChunks.of(MANIFEST, List.of(d), java.util.Arrays.asList(index));
    return new EstargzFixture(blob, d, index, image);
  }

  List<EstargzChunk> chunksOf(String path) {
    return index.lookup(path).orElseThrow().chunks();
  }
}
