package dev.tracefetch.layer.estargz;

import dev.tracefetch.layer.tar.LayerCompression;
import dev.tracefetch.layer.tar.TarEntryType;
import dev.tracefetch.layer.tar.TarFormatException;
import dev.tracefetch.layer.tar.TarHeader;
import dev.tracefetch.layer.tar.TarWriter;
import dev.tracefetch.oci.image.Digest;
import java.io.BufferedOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.zip.Deflater;

/**
 * Converts a layer (plain tar, gzip or zstd) into an eStargz blob that both stargz-snapshotter and
 * plain {@code tar -xzf} accept. The structure follows stargz-snapshotter's writer (estargz.go
 * {@code Writer.AppendTar}, build.go {@code Build}/{@code sortEntries}) and docs/estargz.md:
 *
 * <ul>
 *   <li>tar headers and padding go into the currently open gzip member; each chunk of a non-empty
 *       regular file starts a new member at the offset recorded in the TOC, so a reader can inflate
 *       one file from its offset alone;
 *   <li>files larger than the chunk size become one {@code reg} entry plus {@code chunk} entries;
 *       every data entry has {@code chunkDigest}, every {@code reg} the whole-file {@code digest};
 *       {@code chunkSize} is set on all but the last chunk (the spec's rule; upstream's writer also
 *       sets it when the last chunk is exactly full, which readers treat the same);
 *   <li>prioritized files come first (parents and hardlink targets before them), then {@code
 *       .prefetch.landmark}, then all other entries in input order; without prioritized files found
 *       in the layer, {@code .no.prefetch.landmark} comes first instead. Landmarks hold the single
 *       byte 0x0f;
 *   <li>the TOC is the last tar entry, alone in its gzip member together with the end-of-archive
 *       blocks, followed by the 51-byte {@link EstargzFooter}.
 * </ul>
 *
 * Input entries are re-encoded by {@link TarWriter} (PAX where needed), keeping names, modes,
 * owners, times, xattrs and unknown PAX records. Whiteouts ({@code .wh.*}) and opaque markers are
 * ordinary empty files and pass through unchanged. Duplicate names keep the last occurrence, as
 * extraction would. Names that are absolute or escape the root, hardlinks to entries not written
 * before them, and non-file tar types are refused with {@link TarFormatException}.
 *
 * <p>Instances are immutable and may be shared; each conversion uses its own resources.
 */
public final class EstargzWriter {
  private static final int COPY_BUFFER = 128 << 10;

  private final int chunkSize;
  private final int compressionLevel;
  private final List<String> prioritizedFiles;
  private final boolean failOnMissingPrioritizedFile;
  private final Path tempDirectory;

  private EstargzWriter(Builder b) {
    this.chunkSize = b.chunkSize;
    this.compressionLevel = b.compressionLevel;
    this.prioritizedFiles = List.copyOf(b.prioritizedFiles);
    this.failOnMissingPrioritizedFile = b.failOnMissingPrioritizedFile;
    this.tempDirectory = b.tempDirectory;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A writer with default settings (4 MiB chunks, gzip level 6, no prioritized files). */
  public static EstargzWriter defaults() {
    return builder().build();
  }

  /**
   * Converts a layer read from {@code layer} (tar, tar+gzip or tar+zstd; detected from its bytes)
   * and writes the blob to {@code out}. The layer is spooled uncompressed to a temporary file
   * because prioritizing files needs random access. {@code layer} is read to its end but not
   * closed; {@code out} is flushed, not closed.
   */
  public EstargzResult convert(InputStream layer, OutputStream out) throws IOException {
    Path spool = Files.createTempFile(tempDirectory, "estargz-src-", ".tar");
    try {
      InputStream unclosable =
          new FilterInputStream(layer) {
            @Override
            public void close() {}
          };
      try (InputStream tar = LayerCompression.decompressed(unclosable);
          OutputStream file = Files.newOutputStream(spool)) {
        tar.transferTo(file);
      }
      return convertTar(spool, out);
    } finally {
      Files.deleteIfExists(spool);
    }
  }

  /**
   * Converts the layer file {@code layer} (any supported compression). A plain tar is read in
   * place; a compressed one is first decompressed to a temporary file.
   */
  public EstargzResult convert(Path layer, OutputStream out) throws IOException {
    byte[] head;
    try (InputStream in = Files.newInputStream(layer)) {
      head = in.readNBytes(LayerCompression.SNIFF_LENGTH);
    }
    if (LayerCompression.detect(head, head.length) == LayerCompression.TAR) {
      return convertTar(layer, out);
    }
    try (InputStream in = Files.newInputStream(layer)) {
      return convert(in, out);
    }
  }

  /**
   * Converts and writes the blob to {@code destination} atomically: a temporary file in the same
   * directory is renamed into place only after the blob is complete, so a reader never sees half a
   * blob.
   */
  public EstargzResult convert(InputStream layer, Path destination) throws IOException {
    return writeAtomically(destination, out -> convert(layer, out));
  }

  /** Like {@link #convert(InputStream, Path)} with the layer in a file. */
  public EstargzResult convert(Path layer, Path destination) throws IOException {
    return writeAtomically(destination, out -> convert(layer, out));
  }

  private interface Conversion {
    EstargzResult run(OutputStream out) throws IOException;
  }

  private static EstargzResult writeAtomically(Path destination, Conversion conversion)
      throws IOException {
    Path dir = destination.toAbsolutePath().getParent();
    Path tmp = Files.createTempFile(dir, "." + destination.getFileName() + ".", ".tmp");
    try {
      EstargzResult result;
      try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.WRITE)) {
        result = conversion.run(out);
      }
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      Files.move(
          tmp, destination, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return result;
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private EstargzResult convertTar(Path tar, OutputStream out) throws IOException {
    List<SourceLayer.Entry> entries = SourceLayer.scan(tar);
    SourceLayer.Ordered ordered = SourceLayer.order(entries, prioritizedFiles);
    if (failOnMissingPrioritizedFile && !ordered.missed().isEmpty()) {
      throw new TarFormatException(
          "prioritized files not found in the layer: " + String.join(", ", ordered.missed()));
    }
    try (FileChannel source = FileChannel.open(tar, StandardOpenOption.READ)) {
      Assembly a = new Assembly(out, source);
      try {
        for (SourceLayer.Entry e : ordered.prioritized()) {
          a.append(e.header(), e.normalizedName(), e.payloadOffset());
        }
        String landmark =
            ordered.prioritized().isEmpty()
                ? Estargz.NO_PREFETCH_LANDMARK
                : Estargz.PREFETCH_LANDMARK;
        a.appendLandmark(landmark);
        for (SourceLayer.Entry e : ordered.rest()) {
          a.append(e.header(), e.normalizedName(), e.payloadOffset());
        }
        return a.finish(ordered.missed());
      } finally {
        a.members.end();
      }
    }
  }

  /** The state of one conversion: output streams, digests, TOC under construction. */
  private final class Assembly {
    final BlobSink blob;
    final GzipMemberWriter members;
    final TarSink tarSink;
    final TarWriter tar;
    final FileChannel source;
    final List<TocEntry> toc = new ArrayList<>();
    final Map<Long, String> lastUserName = new HashMap<>();
    final Map<Long, String> lastGroupName = new HashMap<>();
    final Set<String> written = new HashSet<>();
    final Map<String, TarEntryType> writtenTypes = new HashMap<>();
    final byte[] buffer = new byte[COPY_BUFFER];

    Assembly(OutputStream out, FileChannel source) {
      this.blob = new BlobSink(new BufferedOutputStream(out, 256 << 10));
      this.members = new GzipMemberWriter(blob, compressionLevel);
      this.tarSink = new TarSink(members);
      this.tar = new TarWriter(tarSink);
      this.source = source;
    }

    void appendLandmark(String name) throws IOException {
      TarHeader h = TarHeader.builder(name, TarEntryType.REGULAR).mode(0644).size(1).build();
      append(h, name, -1);
    }

    void append(TarHeader h, String normalized, long payloadOffset) throws IOException {
      if (h.type() == TarEntryType.HARDLINK) {
        String target;
        try {
          target = EntryNames.normalize(h.linkName());
        } catch (IllegalArgumentException e) {
          throw new TarFormatException(
              "hardlink '" + h.name() + "' -> '" + h.linkName() + "': " + e.getMessage());
        }
        TarEntryType targetType = writtenTypes.get(target);
        if (targetType == null) {
          throw new TarFormatException(
              "hardlink '"
                  + h.name()
                  + "' points to '"
                  + h.linkName()
                  + "', which is not an earlier entry of the layer");
        }
        if (targetType == TarEntryType.DIRECTORY) {
          throw new TarFormatException(
              "hardlink '" + h.name() + "' points to directory '" + h.linkName() + "'");
        }
      }
      TocEntry.Builder entry =
          TocEntry.builder(h.name(), tocType(h.type()))
              .mode(h.mode())
              .uid(h.uid())
              .gid(h.gid())
              .userName(nameIfChanged(lastUserName, h.uid(), h.userName()))
              .groupName(nameIfChanged(lastGroupName, h.gid(), h.groupName()))
              .modTime(tocModTime(h.modTime()))
              .xattrs(h.xattrs());
      if (h.type().isLink()) {
        entry.linkName(h.linkName());
      }
      if (h.type().isDevice()) {
        entry.devMajor(h.devMajor()).devMinor(h.devMinor());
      }
      tar.writeHeader(h);
      if (h.type() == TarEntryType.REGULAR) {
        entry.size(h.size());
        if (h.size() == 0) {
          entry.digest(Digest.of(new byte[0]));
          toc.add(entry.build());
        } else {
          writeChunks(h, entry, payloadOffset);
        }
      } else {
        toc.add(entry.build());
      }
      tar.closeEntry();
      written.add(normalized);
      writtenTypes.put(normalized, h.type());
    }

    private void writeChunks(TarHeader h, TocEntry.Builder regEntry, long payloadOffset)
        throws IOException {
      MessageDigest fileDigest = Digest.newSha256();
      int regIndex = toc.size();
      long size = h.size();
      long done = 0;
      while (done < size) {
        long n = Math.min(chunkSize, size - done);
        members.close();
        long offset = blob.count;
        members.open();
        MessageDigest chunkDigest = Digest.newSha256();
        copyPayload(payloadOffset, done, n, chunkDigest, fileDigest, h.name());
        TocEntry.Builder chunk =
            done == 0 ? regEntry : TocEntry.builder(h.name(), TocEntryType.CHUNK);
        chunk
            .offset(offset)
            .chunkOffset(done)
            .chunkSize(done + n < size ? n : 0)
            .chunkDigest(Digest.ofSha256Bytes(chunkDigest.digest()));
        toc.add(chunk.build());
        done += n;
      }
      Digest whole = Digest.ofSha256Bytes(fileDigest.digest());
      toc.set(regIndex, toc.get(regIndex).toBuilder().digest(whole).build());
    }

    private void copyPayload(
        long payloadOffset,
        long from,
        long length,
        MessageDigest chunkDigest,
        MessageDigest fileDigest,
        String name)
        throws IOException {
      if (payloadOffset < 0) { // landmark
        byte[] content = {Estargz.LANDMARK_CONTENT};
        chunkDigest.update(content);
        fileDigest.update(content);
        tar.write(content, 0, 1);
        return;
      }
      long pos = payloadOffset + from;
      long remaining = length;
      ByteBuffer bb = ByteBuffer.wrap(buffer);
      while (remaining > 0) {
        bb.clear().limit((int) Math.min(buffer.length, remaining));
        int r = source.read(bb, pos);
        if (r < 0) {
          throw new TarFormatException(
              "input layer changed or truncated while converting: payload of '" + name + "'");
        }
        chunkDigest.update(buffer, 0, r);
        fileDigest.update(buffer, 0, r);
        tar.write(buffer, 0, r);
        pos += r;
        remaining -= r;
      }
    }

    EstargzResult finish(List<String> missed) throws IOException {
      members.close();
      long tocOffset = blob.count;
      members.open();
      Toc finalToc = Toc.of(toc);
      byte[] json = TocJson.write(finalToc);
      tar.writeHeader(
          TarHeader.builder(Estargz.TOC_TAR_NAME, TarEntryType.REGULAR)
              .mode(0644)
              .size(json.length)
              .build());
      tar.write(json, 0, json.length);
      tar.finish();
      members.close();
      blob.write(EstargzFooter.encode(tocOffset));
      blob.flush();
      return new EstargzResult(
          Digest.ofSha256Bytes(blob.digest.digest()),
          blob.count,
          Digest.of(json),
          tocOffset,
          Digest.ofSha256Bytes(tarSink.digest.digest()),
          tarSink.count,
          finalToc,
          missed);
    }
  }

  private static TocEntryType tocType(TarEntryType t) {
    return switch (t) {
      case REGULAR -> TocEntryType.REG;
      case HARDLINK -> TocEntryType.HARDLINK;
      case SYMLINK -> TocEntryType.SYMLINK;
      case CHAR_DEVICE -> TocEntryType.CHAR;
      case BLOCK_DEVICE -> TocEntryType.BLOCK;
      case DIRECTORY -> TocEntryType.DIR;
      case FIFO -> TocEntryType.FIFO;
    };
  }

  /** Upstream {@code formatModtime}: whole seconds (rounded), absent for the Unix epoch. */
  static Instant tocModTime(Instant t) {
    long s = t.getEpochSecond() + (t.getNano() >= 500_000_000 ? 1 : 0);
    return s == 0 ? null : Instant.ofEpochSecond(s);
  }

  /** Upstream {@code nameIfChanged}: a name only when it differs from the last one for the id. */
  private static String nameIfChanged(Map<Long, String> last, long id, String name) {
    if (name.isEmpty() || name.equals(last.get(id))) {
      return "";
    }
    last.put(id, name);
    return name;
  }

  /** The compressed blob: counted and digested as it is written. */
  private static final class BlobSink extends OutputStream {
    final OutputStream out;
    final MessageDigest digest = Digest.newSha256();
    long count;

    BlobSink(OutputStream out) {
      this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      digest.update(b, off, len);
      count += len;
    }

    @Override
    public void flush() throws IOException {
      out.flush();
    }
  }

  /**
   * The uncompressed tar stream: counted and digested (diff ID), and written into the current gzip
   * member, opening one when none is (as upstream's {@code condOpenGz}).
   */
  private static final class TarSink extends OutputStream {
    final GzipMemberWriter members;
    final MessageDigest digest = Digest.newSha256();
    long count;

    TarSink(GzipMemberWriter members) {
      this.members = members;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (!members.isOpen()) {
        members.open();
      }
      members.write(b, off, len);
      digest.update(b, off, len);
      count += len;
    }
  }

  /** Settings of an {@link EstargzWriter}. */
  public static final class Builder {
    private int chunkSize = Estargz.DEFAULT_CHUNK_SIZE;
    private int compressionLevel = 6;
    private List<String> prioritizedFiles = List.of();
    private boolean failOnMissingPrioritizedFile;
    private Path tempDirectory = Path.of(System.getProperty("java.io.tmpdir"));

    private Builder() {}

    /** Largest number of file bytes per gzip member; default 4 MiB. */
    public Builder chunkSize(int bytes) {
      if (bytes <= 0) {
        throw new IllegalArgumentException("chunk size must be positive, got " + bytes);
      }
      chunkSize = bytes;
      return this;
    }

    /**
     * gzip level 0-9; default 6 (gzip's default). stargz-snapshotter defaults to 9, which makes
     * blobs slightly smaller and conversion several times slower; the format is the same.
     */
    public Builder compressionLevel(int level) {
      if (level < Deflater.NO_COMPRESSION || level > Deflater.BEST_COMPRESSION) {
        throw new IllegalArgumentException("gzip level must be 0-9, got " + level);
      }
      compressionLevel = level;
      return this;
    }

    /**
     * Paths written first, in this order (absolute or relative to the layer root; {@code /a},
     * {@code ./a} and {@code a} are the same). Paths not in the layer are reported in {@link
     * EstargzResult#missedPrioritizedFiles()}, or fail the conversion with {@link
     * #failOnMissingPrioritizedFile(boolean)}.
     */
    public Builder prioritizedFiles(List<String> paths) {
      prioritizedFiles = List.copyOf(Objects.requireNonNull(paths, "paths"));
      return this;
    }

    public Builder failOnMissingPrioritizedFile(boolean fail) {
      failOnMissingPrioritizedFile = fail;
      return this;
    }

    /** Where compressed inputs are spooled uncompressed; default {@code java.io.tmpdir}. */
    public Builder tempDirectory(Path dir) {
      tempDirectory = Objects.requireNonNull(dir, "dir");
      return this;
    }

    public EstargzWriter build() {
      return new EstargzWriter(this);
    }
  }
}
