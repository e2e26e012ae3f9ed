package dev.tracefetch.store.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracefetch.layer.estargz.BlobRangeReader;
import dev.tracefetch.layer.estargz.EstargzChunk;
import dev.tracefetch.layer.estargz.EstargzFile;
import dev.tracefetch.layer.estargz.EstargzIndex;
import dev.tracefetch.layer.estargz.EstargzReader;
import dev.tracefetch.layer.estargz.EstargzResult;
import dev.tracefetch.layer.estargz.EstargzWriter;
import dev.tracefetch.oci.testing.TestLayer;
import dev.tracefetch.planner.ChunkEntry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImageChunkTablesTest {
  @Test
  void oneEntryPerChunkOfEveryRegularFileWithAbsolutePathsAndDigests() throws Exception {
    TestLayer layer =
        TestLayer.builder()
            .largeFile("usr/lib/big.so", 3 * 8192 + 5, 9)
            .file("etc/small.conf", "x=1\n")
            .symlink("usr/lib/link.so", "big.so")
            .hardlink("usr/lib/same.so", "usr/lib/big.so")
            .build();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    EstargzResult result =
        EstargzWriter.builder()
            .chunkSize(8192)
            .build()
            .convert(new ByteArrayInputStream(layer.tarGzip()), out);
    EstargzIndex index =
        EstargzReader.open("layer", BlobRangeReader.ofBytes(out.toByteArray()), result.tocDigest());

    List<ChunkEntry> entries = ImageChunkTables.entries(index);

    EstargzFile big = index.lookup("usr/lib/big.so").orElseThrow();
    assertThat(big.chunks()).hasSize(4);
    assertThat(entries).hasSize(5); // 4 chunks of big.so, 1 of small.conf; no link entries
    for (int i = 0; i < 4; i++) {
      EstargzChunk chunk = big.chunks().get(i);
      ChunkEntry entry =
          entries.stream()
              .filter(
                  e -> e.path().equals("/usr/lib/big.so") && e.chunkOffset() == chunk.chunkOffset())
              .findFirst()
              .orElseThrow();
      assertThat(entry.compressedOffset()).isEqualTo(chunk.compressedOffset());
      assertThat(entry.compressedLength()).isEqualTo(chunk.compressedLength());
      assertThat(entry.chunkDigest()).isEqualTo(chunk.chunkDigest().toString());
      assertThat(entry.contentDigest()).isEqualTo(big.entry().digest().toString());
    }
    assertThat(entries).anyMatch(e -> e.path().equals("/etc/small.conf"));
  }
}
