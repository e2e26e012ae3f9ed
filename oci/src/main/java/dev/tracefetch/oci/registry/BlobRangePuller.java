package dev.tracefetch.oci.registry;

import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.registry.auth.AuthScope;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import okhttp3.HttpUrl;
import okhttp3.Request;

/**
 * {@code GET /v2/<name>/blobs/<digest>} with {@code Range: bytes=a-b}: the read the lazy filesystem
 * makes for every chunk. A 206 gives the bytes (checked against {@code Content-Range}); a 200 means
 * the registry ignored the range and sent the whole blob, which is then verified against its digest
 * while the requested slice is cut out of it. Partial content cannot be checked against the blob
 * digest: callers verify chunks against their own digests (eStargz chunkDigest).
 */
final class BlobRangePuller implements RegistryEndpoint<byte[]> {
  private final String registry;
  private final String repository;
  private final Digest digest;
  private final long offset;
  private final int length;
  private final BlobRangeConsumer consumer;

  BlobRangePuller(String registry, String repository, Digest digest, long offset, int length) {
    this(registry, repository, digest, offset, length, null);
  }

  /**
   * With a {@code consumer}, the range goes to it while it arrives and {@link #handle} returns an
   * empty array.
   */
  BlobRangePuller(
      String registry,
      String repository,
      Digest digest,
      long offset,
      int length,
      BlobRangeConsumer consumer) {
    this.registry = registry;
    this.repository = repository;
    this.digest = digest;
    this.offset = offset;
    this.length = length;
    this.consumer = consumer;
  }

  @Override
  public String action() {
    return "pull blob range";
  }

  @Override
  public String repository() {
    return repository;
  }

  @Override
  public String target() {
    return digest + " bytes " + offset + "-" + (offset + length - 1);
  }

  @Override
  public String method() {
    return "GET";
  }

  @Override
  public HttpUrl url(HttpUrl base) {
    return BlobPuller.blobUrl(base, repository, digest);
  }

  @Override
  public void addHeaders(Request.Builder request) {
    request.header("Accept-Encoding", "identity");
    request.header("Range", "bytes=" + offset + "-" + (offset + length - 1));
  }

  @Override
  public AuthScope scope() {
    return AuthScope.repository(repository, "pull");
  }

  @Override
  public boolean retryable() {
    return true;
  }

  @Override
  public boolean followRedirects() {
    return true;
  }

  @Override
  public Subject subject() {
    return Subject.BLOB;
  }

  @Override
  public boolean accepts(int status) {
    return status == 416;
  }

  @Override
  public byte[] handle(RegistryResponse response) throws IOException {
    if (response.code() == 416) {
      throw new RegistryProtocolException(
          response.failure(),
          "range not satisfiable: offset "
              + offset
              + " is at or beyond the blob's end"
              + (response.header("Content-Range") == null
                  ? ""
                  : " (" + response.header("Content-Range") + ")"));
    }
    if (response.code() == 206) {
      ContentRange range = ContentRange.parse(response.header("Content-Range"), response.failure());
      long wantedLast = offset + length - 1;
      boolean clippedAtEnd = range.total() >= 0 && range.last() == range.total() - 1;
      if (range.first() != offset || (range.last() != wantedLast && !clippedAtEnd)) {
        throw new RegistryProtocolException(
            response.failure(),
            "asked for bytes " + offset + "-" + wantedLast + ", got Content-Range " + range);
      }
      if (consumer != null) {
        try (InputStream body = response.detachBody()) {
          consumer.accept(body);
        }
        return new byte[0];
      }
      byte[] data = response.bytes((int) range.length());
      if (data.length != range.length()) {
        throw new RegistryProtocolException(
            response.failure(),
            "Content-Range "
                + range
                + " announced "
                + range.length()
                + " bytes, got "
                + data.length);
      }
      return data;
    }
    if (response.code() != 200) {
      throw new RegistryProtocolException(response.failure(), "unexpected status for a ranged GET");
    }
    // The whole blob: verify it, keep the slice.
    long size = response.contentLength();
    String what = "blob " + digest + " in " + registry + "/" + repository;
    try (InputStream in = new VerifyingInputStream(response.detachBody(), digest, size, what)) {
      long skipped = in.skip(offset);
      while (skipped < offset) {
        if (in.read() < 0) {
          break;
        }
        skipped++;
      }
      byte[] slice = in.readNBytes(length);
      in.transferTo(OutputStream.nullOutputStream());
      if (skipped < offset) {
        throw new RegistryProtocolException(
            response.failure(), "offset " + offset + " is beyond the blob's end");
      }
      if (consumer != null) {
        consumer.accept(new java.io.ByteArrayInputStream(slice));
        return new byte[0];
      }
      return slice;
    }
  }
}
