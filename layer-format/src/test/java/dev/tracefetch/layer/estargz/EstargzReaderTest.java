package dev.tracefetch.layer.estargz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracefetch.layer.estargz.TestLayer.Item;
import dev.tracefetch.layer.tar.TarEntryType;
import dev.tracefetch.layer.tar.TarHeader;
import dev.tracefetch.layer.tar.TarWriter;
import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.image.DigestMismatchException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class EstargzReaderTest {
  static final int CHUNK = EstargzWriterTest.CHUNK;

  /** Records the ranges requested, like a registry access log. */
  static final class CountingReader implements BlobRangeReader {
    final BlobRangeReader delegate;
    final List<long[]> reads = new ArrayList<>();

    CountingReader(byte[] blob) {
      this.delegate = BlobRangeReader.ofBytes(blob);
    }

    @Override
    public byte[] read(long offset, int length) throws IOException {
      reads.add(new long[] {offset, length});
      return delegate.read(offset, length);
    }

    @Override
    public long size() {
      return delegate.size();
    }
  }

  @Test
  void readsEveryFileBackThroughTheIndexAndChunkDecoder() throws IOException {
    TestLayer layer = TestLayer.everything(CHUNK);
    EstargzWriterTest.Converted c =
        EstargzWriterTest.convert(EstargzWriterTest.writer(), layer.tar());
    CountingReader blob = new CountingReader(c.blob());
    EstargzIndex idx = EstargzReader.open("sha256:test", blob, c.result().tocDigest());
    assertThat(blob.reads).hasSize(1); // footer and TOC in one tail read
    assertThat(idx.tocDigest()).isEqualTo(c.result().tocDigest());
    assertThat(idx.tocOffset()).isEqualTo(c.result().tocOffset());

    for (Item item : layer.items()) {
      TarHeader h = item.header();
      String path = EntryNames.normalize(h.name());
      EstargzFile f = idx.lookup(path).orElseThrow(() -> new AssertionError(path));
      assertThat(f.entry().mode()).as(path).isEqualTo(h.mode());
      assertThat(f.entry().uid()).isEqualTo(h.uid());
      assertThat(f.entry().gid()).isEqualTo(h.gid());
      assertThat(f.entry().userName()).isEqualTo(h.userName());
      assertThat(f.entry().xattrs()).isEqualTo(h.xattrs());
      switch (h.type()) {
        case REGULAR -> {
          assertThat(f.size()).isEqualTo(h.size());
          assertThat(readAll(c.blob(), idx, f)).as(path).isEqualTo(item.payload());
        }
        case SYMLINK -> assertThat(f.entry().linkName()).isEqualTo(h.linkName());
        case HARDLINK -> {
          EstargzFile target = idx.resolve(path).orElseThrow();
          assertThat(target.path()).isEqualTo(EntryNames.normalize(h.linkName()));
          assertThat(target.linkCount()).isEqualTo(2);
        }
        case CHAR_DEVICE, BLOCK_DEVICE -> {
          assertThat(f.entry().devMajor()).isEqualTo(h.devMajor());
          assertThat(f.entry().devMinor()).isEqualTo(h.devMinor());
        }
        default -> assertThat(f.type().name()).isNotEmpty();
      }
    }
    // Bigger files really are chunked and each chunk decodes on its own.
    EstargzFile big = idx.lookup("data/size-" + (CHUNK * 7 / 2)).orElseThrow();
    assertThat(big.chunks()).hasSize(4);
    EstargzChunk third = big.chunks().get(2);
    byte[] range = blob.read(third.compressedOffset(), (int) third.compressedLength());
    assertThat(ChunkDecoder.decode("L", third, range))
        .isEqualTo(
            Arrays.copyOfRange(
                EstargzWriterTest.payloadOf(layer, "data/size-" + (CHUNK * 7 / 2)),
                2 * CHUNK,
                3 * CHUNK));
  }

  static byte[] readAll(byte[] blob, EstargzIndex idx, EstargzFile f) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (EstargzChunk ch : f.chunks()) {
      byte[] range =
          Arrays.copyOfRange(blob, (int) ch.compressedOffset(), (int) ch.compressedEnd());
      out.writeBytes(ChunkDecoder.decode(idx.layer(), ch, range));
    }
    return out.toByteArray();
  }

  @Test
  void smallTailReadFetchesTheTocSeparately() throws IOException {
    EstargzWriterTest.Converted c =
        EstargzWriterTest.convert(EstargzWriterTest.writer(), TestLayer.everything(CHUNK).tar());
    CountingReader blob = new CountingReader(c.blob());
    EstargzReader.open(
        "L", blob, c.result().tocDigest(), EstargzLimits.defaults().withTailReadSize(51));
    assertThat(blob.reads).hasSize(2);
    assertThat(blob.reads.get(0)).containsExactly(c.blob().length - 51L, 51L);
    assertThat(blob.reads.get(1))
        .containsExactly(c.result().tocOffset(), c.blob().length - 51L - c.result().tocOffset());
  }

  @Test
  void tocDigestMustMatchTheAnnotation() throws IOException {
    EstargzWriterTest.Converted c =
        EstargzWriterTest.convert(EstargzWriterTest.writer(), TestLayer.layer().file("a", 1).tar());
    Digest wrong = Digest.of(new byte[] {42});
    assertThatThrownBy(
            () -> EstargzReader.open("sha256:layer1", BlobRangeReader.ofBytes(c.blob()), wrong))
        .isInstanceOf(DigestMismatchException.class)
        .hasMessageContaining("digest mismatch for TOC of layer sha256:layer1: expected " + wrong)
        .hasMessageContaining("got " + c.result().tocDigest());
    // Without an expected digest the index still reports the one computed.
    EstargzIndex idx = EstargzReader.open("L", BlobRangeReader.ofBytes(c.blob()), null);
    assertThat(idx.tocDigest()).isEqualTo(c.result().tocDigest());
  }

  @Test
  void opensFromTheLayerDescriptor() throws IOException {
    EstargzWriterTest.Converted c =
        EstargzWriterTest.convert(EstargzWriterTest.writer(), TestLayer.layer().file("a", 1).tar());
    dev.tracefetch.oci.image.Descriptor d = c.result().descriptor();
    EstargzIndex idx =
        EstargzReader.open(d, BlobRangeReader.ofBytes(c.blob()), EstargzLimits.defaults());
    assertThat(idx.layer()).isEqualTo(c.result().blobDigest().toString());
    assertThat(idx.lookup("a")).isPresent();
    dev.tracefetch.oci.image.Descriptor bare =
        dev.tracefetch.oci.image.Descriptor.of(d.mediaType(), d.digest(), d.size());
    assertThatThrownBy(
            () ->
                EstargzReader.open(
                    bare, BlobRangeReader.ofBytes(c.blob()), EstargzLimits.defaults()))
        .isInstanceOf(InvalidEstargzException.class)
        .hasMessageContaining("has no valid containerd.io/snapshot/stargz/toc.digest annotation");
    assertThat(Estargz.isEstargz(bare)).isFalse();
    byte[] longer = Arrays.copyOf(c.blob(), c.blob().length + 1);
    assertThatThrownBy(
            () -> EstargzReader.open(d, BlobRangeReader.ofBytes(longer), EstargzLimits.defaults()))
        .hasMessageContaining("descriptor says " + d.size());
  }

  /** A blob: a payload member, a TOC member with the given tar entry, and a footer. */
  static byte[] blobWithToc(String tocName, byte[] json, long footerOffset) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    GzipMemberWriter members = new GzipMemberWriter(out, 6);
    members.open();
    members.write(new byte[512], 0, 512);
    members.close();
    long tocOffset = out.size();
    members.open();
    TarWriter tar =
        new TarWriter(
            new OutputStream() {
              @Override
              public void write(int b) throws IOException {
                members.write(new byte[] {(byte) b}, 0, 1);
              }

              @Override
              public void write(byte[] b, int off, int len) throws IOException {
                members.write(b, off, len);
              }
            });
    tar.writeHeader(TarHeader.builder(tocName, TarEntryType.REGULAR).size(json.length).build());
    tar.write(json, 0, json.length);
    tar.finish();
    members.close();
    members.end();
    out.writeBytes(EstargzFooter.encode(footerOffset < 0 ? tocOffset : footerOffset));
    return out.toByteArray();
  }

  static final byte[] SMALL_TOC =
      "{\"version\":1,\"entries\":[{\"name\":\"a\",\"type\":\"dir\"}]}"
          .getBytes(StandardCharsets.UTF_8);

  @Test
  void opensAHandBuiltBlob() throws IOException {
    byte[] blob = blobWithToc(Estargz.TOC_TAR_NAME, SMALL_TOC, -1);
    EstargzIndex idx = EstargzReader.open("L", BlobRangeReader.ofBytes(blob), Digest.of(SMALL_TOC));
    assertThat(idx.children("")).containsExactly("a");
  }

  @Test
  void rejectsOversizedAndMisplacedTocs() throws IOException {
    byte[] json = new byte[100_000];
    byte[] entries = "{\"version\":1,\"entries\":[]}".getBytes(StandardCharsets.UTF_8);
    Arrays.fill(json, (byte) ' ');
    System.arraycopy(entries, 0, json, 0, entries.length);
    byte[] big = blobWithToc(Estargz.TOC_TAR_NAME, json, -1);
    assertThat(EstargzReader.open("L", BlobRangeReader.ofBytes(big), null).toc().entries())
        .isEmpty();
    assertThatThrownBy(
            () ->
                EstargzReader.open(
                    "sha256:big",
                    BlobRangeReader.ofBytes(big),
                    null,
                    EstargzLimits.defaults().withMaxTocJsonSize(65_536)))
        .isInstanceOf(InvalidEstargzException.class)
        .hasMessage("layer sha256:big: TOC JSON is 100000 bytes, over the limit of 65536");
    assertThatThrownBy(
            () ->
                EstargzReader.open(
                    "L",
                    BlobRangeReader.ofBytes(big),
                    null,
                    EstargzLimits.defaults().withMaxCompressedTocSize(100)))
        .hasMessageContaining("compressed TOC is")
        .hasMessageContaining("over the limit of 100");

    byte[] wrongName = blobWithToc("other.json", SMALL_TOC, -1);
    assertThatThrownBy(() -> EstargzReader.open("L", BlobRangeReader.ofBytes(wrongName), null))
        .hasMessageContaining("TOC tar entry is 'other.json' (REGULAR), expected regular file");

    byte[] pastEnd = blobWithToc(Estargz.TOC_TAR_NAME, SMALL_TOC, 1_000_000);
    assertThatThrownBy(() -> EstargzReader.open("L", BlobRangeReader.ofBytes(pastEnd), null))
        .isInstanceOf(InvalidEstargzException.class)
        .hasMessageContaining("footer points at TOC offset 1000000, past the end");

    byte[] intoPayload = blobWithToc(Estargz.TOC_TAR_NAME, SMALL_TOC, 0);
    assertThatThrownBy(() -> EstargzReader.open("L", BlobRangeReader.ofBytes(intoPayload), null))
        .isInstanceOf(InvalidEstargzException.class)
        .hasMessageContaining("TOC member");

    byte[] plainGzip =
        EstargzWriterTest.convert(EstargzWriterTest.writer(), TestLayer.layer().file("a", 1).tar())
            .blob();
    byte[] noFooter = Arrays.copyOf(plainGzip, plainGzip.length - 51);
    assertThatThrownBy(() -> EstargzReader.open("L", BlobRangeReader.ofBytes(noFooter), null))
        .isInstanceOf(InvalidEstargzException.class)
        .hasMessageContaining("layer L: no eStargz footer");
    assertThatThrownBy(() -> EstargzReader.open("L", BlobRangeReader.ofBytes(new byte[10]), null))
        .hasMessageContaining("blob of 10 bytes is too small");

    byte[] badJson =
        blobWithToc(
            Estargz.TOC_TAR_NAME,
            "{\"version\":1,\"entries\":[{\"name\":\"/x\",\"type\":\"dir\"}]}".getBytes(),
            -1);
    assertThatThrownBy(() -> EstargzReader.open("sha256:l", BlobRangeReader.ofBytes(badJson), null))
        .hasMessage("invalid TOC in layer sha256:l: entry #0 ('/x', dir): name is absolute");
  }
}
